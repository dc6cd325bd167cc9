// Reading a JSON fixture a person wrote: bounded, and every mistake reported with the file, the
// field and what it should be, as std::runtime_error("domain fixture FILE: FIELD: PROBLEM").
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sandbox {

class FixtureReader {
  public:
    explicit FixtureReader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const;

    // The file, at most 1 MiB and 8 levels deep, whose top level must be an object.
    Poco::JSON::Object::Ptr parse_top_level() const;

    // Refuses any member of `object` not in `known`, naming it and listing the known ones.
    void require_known(const Poco::JSON::Object& object, const std::string& field,
                       const std::set<std::string>& known) const;

    // object[name] when it is an object; nullptr when absent; refused when anything else.
    Poco::JSON::Object::Ptr optional_object(const Poco::JSON::Object& object,
                                            const std::string& name,
                                            const std::string& field) const;
    std::optional<bool> optional_bool(const Poco::JSON::Object& object, const std::string& name,
                                      const std::string& field) const;
    // An integer in [min, max]; true and 1.5 are refused.
    std::optional<int64_t> optional_integer(const Poco::JSON::Object& object,
                                            const std::string& name, const std::string& field,
                                            int64_t min, int64_t max) const;
    // A lower-case DNS name: letters, digits, '.', '-', not starting or ending with '.'.
    std::string required_name(const Poco::JSON::Object& object, const std::string& name,
                              const std::string& field) const;
    // An array of at most 100 user@host strings; empty when absent.
    std::vector<std::string> email_list(const Poco::JSON::Object& object, const std::string& name,
                                        const std::string& field) const;

  private:
    std::string read_text() const;

    const std::string path_;
};

}  // namespace sandbox
