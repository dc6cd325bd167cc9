// The one shape every problem the user can fix takes in the host: where it is, what is wrong,
// and what to do about it. Errors cross module edges as values (Result<T>); exceptions
// (HostErrorException) stay inside a module and are turned into values at its edge.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace taskhost {

struct HostError {
    std::string where;    // file + JSON path, a flag, an account, a plugin file...
    std::string problem;  // what is wrong, never containing a secret
    std::string fix;      // what the user does about it
    // "where: problem; fix: fix", the human line printed on stderr.
    std::string text() const;
};

// Thrown inside a module only; the module's public functions catch it and return the error.
class HostErrorException : public std::exception {
  public:
    explicit HostErrorException(HostError error);
    const HostError& error() const { return error_; }
    const char* what() const noexcept override { return text_.c_str(); }

  private:
    HostError error_;
    std::string text_;
};

[[noreturn]] void fail(std::string where, std::string problem, std::string fix);

// A value or the HostError that prevented it.
template <class T>
class Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(HostError error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    const HostError& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, HostError> state_;
};

// Absent: fine. Present: why not.
using Check = std::optional<HostError>;

}  // namespace taskhost
