// The one strict reader of the JSON objects users write (the config and its daemon section,
// manifests, task specs, the daemon's request bodies): typed fields with ranges, unknown fields
// refused with the known ones listed, and every error thrown (HostErrorException, via fail) with
// `where` = "SOURCE: $.json.path" and a fix.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/host_error.h"

namespace taskhost {

// What differs between the documents the host reads: how strict a string is and how a few fixes
// are worded. Each document keeps its own, so the messages its users (and tests) know stay as
// they were. The defaults are the host config's.
struct JsonFieldRules {
    bool text_non_empty = false;  // text(): "" is refused ("is empty")
    bool text_plain = false;      // text(): control characters are refused
    size_t text_max_chars = 0;    // text(): longer is refused ("shorten it"); 0: no limit
    std::string text_fix = "write it in double quotes";
    std::string boolean_fix = "write true or false";
    std::string path_fix =
        "write a non-empty path without control characters (relative paths are taken from the "
        "config file's directory)";
    // only_known(): "UNKNOWN_FIX (KNOWN_LABEL: a, b, c)".
    std::string unknown_fix = "remove it or correct its spelling";
    std::string known_label = "known here";
};

// One object of a document, knowing where it sits: `source` names the document in messages
// ("/etc/taskhost/config.json", "request body", "m.json: task \"a\""), `json_path` the object
// within it ("$", "$.daemon.tcp", "$.tasks[3]"). Nested readers keep the source and the rules.
class JsonFields {
  public:
    static constexpr const char* kObjectFix = "write it as {...}";
    static constexpr const char* kArrayFix = "write it as [...]";

    JsonFields(Poco::JSON::Object::Ptr object, std::string source, std::string json_path = "$",
               JsonFieldRules rules = {});

    // A reader for `value` at `json_path` of document `source`; refuses a value that is not an
    // object ("is an array, expected an object", `fix`).
    static JsonFields of(const Poco::Dynamic::Var& value, std::string source, std::string json_path,
                         JsonFieldRules rules = {}, const std::string& fix = kObjectFix);

    // The same for another value of this document (e.g. an item of one of its arrays).
    JsonFields nested(const Poco::Dynamic::Var& value, std::string json_path,
                      const std::string& fix = kObjectFix) const;

    const Poco::JSON::Object::Ptr& json() const { return object_; }
    const std::string& source() const { return source_; }
    const std::string& json_path() const { return json_path_; }
    const JsonFieldRules& rules() const { return rules_; }

    std::string child_path(const std::string& key) const;  // "$.daemon" + "tcp" -> "$.daemon.tcp"
    std::string at(const std::string& json_path) const;    // "SOURCE: json_path"
    std::string where() const;                             // this object's `where`
    std::string where(const std::string& key) const;       // a field's `where`

    bool has(const std::string& key) const;
    Poco::Dynamic::Var value(const std::string& key) const;  // as given; empty when absent

    // Each reads a field that is present (check has() first) and fails naming it otherwise.
    std::string text(const std::string& key) const;
    int64_t integer(const std::string& key, int64_t min, int64_t max) const;
    bool boolean(const std::string& key) const;
    Poco::JSON::Object::Ptr object(const std::string& key,
                                   const std::string& fix = kObjectFix) const;
    JsonFields child(const std::string& key, const std::string& fix = kObjectFix) const;
    Poco::JSON::Array::Ptr array(const std::string& key, const std::string& fix = kArrayFix) const;
    // A path: non-empty, without control characters, at most 4096 bytes, made absolute against
    // `base_dir` and normalised.
    std::string path(const std::string& key, const std::string& base_dir) const;

    // Refuses the first field (in the object's order) not in `known`; the fix lists `known` in
    // the order given, then "; NOTE" when a note is given.
    void only_known(const std::vector<std::string>& known, const std::string& note = "") const;

  private:
    Poco::JSON::Object::Ptr object_;
    std::string source_;
    std::string json_path_;
    JsonFieldRules rules_;
};

// The problem of a value of the wrong type: "is a string, expected an integer".
std::string wrong_type(const Poco::Dynamic::Var& value, const std::string& expected);

}  // namespace taskhost
