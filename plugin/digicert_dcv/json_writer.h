// JSON written straight into one string, in the order it is called: what the outcome and the
// resend's body are rendered with. Building a Poco::JSON::Object tree only to stringify it cost
// the plugin as much CPU per task as parsing its spec (a Var, a map node and a string per field).
// The caller keeps the shape (a key before each member's value, ends matching begins); the
// writer places the commas and escapes every string, so any bytes given make valid JSON text
// when they are valid UTF-8 (outcome strings pass printable_excerpt first).
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace digicert_dcv {

class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    // The member's name; its value is the next call.
    JsonWriter& key(std::string_view name);

    JsonWriter& string(std::string_view text);
    JsonWriter& boolean(bool value);
    JsonWriter& null();
    template <class T>
    std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, JsonWriter&> number(
        T value) {
        separate();
        char digits[24];
        const auto written = std::to_chars(digits, digits + sizeof digits, value);
        out_.append(digits, written.ptr);
        return *this;
    }
    // JSON text the caller vouches for (one complete value), copied as it is.
    JsonWriter& raw(std::string_view json);

    // The number, or null when absent.
    template <class T>
    JsonWriter& number_or_null(const std::optional<T>& value) {
        return value ? number(*value) : null();
    }
    JsonWriter& boolean_or_null(const std::optional<bool>& value);

    std::string take() { return std::move(out_); }

  private:
    // A comma before every value but the first of its object or array; none after a key.
    void separate();
    void open(char bracket);
    void close(char bracket);

    std::string out_;
    std::vector<bool> first_;  // per open object or array: nothing written in it yet
    bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included, appended to `out`.
void append_json_string(std::string& out, std::string_view text);

}  // namespace digicert_dcv
