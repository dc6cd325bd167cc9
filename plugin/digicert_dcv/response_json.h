// Typed reads of a CertCentral 2xx response body. The body is outside input: it is parsed with
// size and depth limits, and a field of the wrong type or size throws ResponseInvalid naming
// its JSON path, which each body parser turns into a value at its edge. Absent and null fields
// read as absent: DigiCert leaves out (or nulls) what does not apply.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace digicert_dcv {

// The longest string field kept; real values (names, dates, statuses) are far shorter.
inline constexpr std::size_t kMaxResponseString = 1024;

struct ResponseInvalid {
    std::string msg;  // "domains[3].id must be an integer, got a string"
};

// The body as a JSON object. Throws ResponseInvalid when it is empty, larger than `max_bytes`,
// nested deeper than `max_depth`, not JSON, or not an object.
Poco::JSON::Object::Ptr parse_response_object(std::string_view body, std::size_t max_bytes,
                                              std::size_t max_depth);

std::optional<std::string> response_string(const Poco::JSON::Object& object,
                                           const std::string& path, const char* name);

// A JSON integer that fits int64.
std::optional<int64_t> response_integer(const Poco::JSON::Object& object, const std::string& path,
                                        const char* name);

std::optional<bool> response_bool(const Poco::JSON::Object& object, const std::string& path,
                                  const char* name);

// An array of at most `max_items` (absent or null: empty).
Poco::JSON::Array::Ptr response_array(const Poco::JSON::Object& object, const std::string& path,
                                      const char* name, std::size_t max_items);

// An array of at most `max_items` strings (absent or null: empty).
std::vector<std::string> response_string_list(const Poco::JSON::Object& object,
                                              const std::string& path, const char* name,
                                              std::size_t max_items);

// An object field (absent or null: null).
Poco::JSON::Object::Ptr response_optional_object(const Poco::JSON::Object& object,
                                                 const std::string& path, const char* name);

// Element `index` of `array` as an object.
Poco::JSON::Object::Ptr response_object_at(const Poco::JSON::Array& array, std::size_t index,
                                           const std::string& path);

}  // namespace digicert_dcv
