#include "tasks/task_params.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

class ParamTyper {
  public:
    explicit ParamTyper(const TaskDescription& task) : task_(task) {}

    Poco::Dynamic::Var typed(const std::string& name, const std::string& value) const {
        const std::string type = param_type(task_, name);
        if (type == "integer") {
            return parse_integer(name, value, value);
        }
        if (type == "number") {
            return parse_number(name, value);
        }
        if (type == "boolean") {
            if (value == "true" || value == "false") {
                return value == "true";
            }
            fail(where(name), shown(name, value) + " is not a boolean",
                 "write " + name + "=true or " + name + "=false");
        }
        if (type == "array") {
            return parse_array(name, value);
        }
        if (type == "object") {
            if (value.empty() || value[0] != '{') {
                fail(where(name), "expects a JSON object", "write " + name + "='{\"key\": ...}'");
            }
            return parse_json(name, value, "an object");
        }
        return value;
    }

  private:
    std::string where(const std::string& name) const { return "param " + name; }

    bool sensitive(const std::string& name) const {
        const auto& list = task_.sensitive_params;
        return std::find(list.begin(), list.end(), name) != list.end();
    }

    // Users see what they typed, except for params the task marks sensitive.
    std::string shown(const std::string& name, const std::string& value) const {
        return sensitive(name) ? "the value" : "\"" + printable(value, 80) + "\"";
    }

    int64_t parse_integer(const std::string& name, const std::string& item,
                          const std::string& whole) const {
        const std::string fix = "give a whole number, e.g. " + name + "=1234567";
        size_t digits_from = (!item.empty() && item[0] == '-') ? 1 : 0;
        bool ok = item.size() > digits_from && item.size() <= 20;
        for (size_t i = digits_from; ok && i < item.size(); ++i) {
            ok = item[i] >= '0' && item[i] <= '9';
        }
        if (ok) {
            errno = 0;
            const long long number = std::strtoll(item.c_str(), nullptr, 10);
            if (errno == 0) {
                return number;
            }
        }
        (void)whole;
        fail(where(name),
             shown(name, item) + " is not an integer (the task declares " + name +
                 (item == whole ? " an integer)" : " a list of integers)"),
             fix);
    }

    double parse_number(const std::string& name, const std::string& value) const {
        char* end = nullptr;
        errno = 0;
        const double number = std::strtod(value.c_str(), &end);
        if (value.empty() || end != value.c_str() + value.size() || errno != 0 ||
            !std::isfinite(number)) {
            fail(where(name), shown(name, value) + " is not a number",
                 "give a number, e.g. " + name + "=1.5");
        }
        return number;
    }

    Poco::Dynamic::Var parse_array(const std::string& name, const std::string& value) const {
        if (!value.empty() && value[0] == '[') {
            return parse_json(name, value, "an array");
        }
        const std::string item_type = param_item_type(task_, name);
        if (!item_type.empty() && item_type != "string" && item_type != "integer") {
            fail(where(name), "expects a JSON array of " + item_type + " values",
                 "write " + name + "='[...]'");
        }
        Array::Ptr list = new Array;
        if (value.empty()) {
            return list;
        }
        size_t start = 0;
        for (;;) {
            const size_t comma = value.find(',', start);
            std::string item =
                value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            item.erase(0, item.find_first_not_of(" \t"));
            item.erase(item.find_last_not_of(" \t") + 1);
            if (item.empty()) {
                fail(where(name), "has an empty item in its comma-separated list",
                     "write " + name + "=a,b,c without empty items");
            }
            if (item_type == "integer") {
                list->add(parse_integer(name, item, value));
            } else {
                list->add(item);
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
        return list;
    }

    Poco::Dynamic::Var parse_json(const std::string& name, const std::string& value,
                                  const std::string& expected) const {
        // Wrapped so the bounded object parser (size, depth, duplicates) judges arrays too.
        Result<Object::Ptr> wrapped = parse_json_object(
            "{\"value\":" + value + "}", JsonLimits{kMaxParamValueBytes + 16, 16}, "param " + name);
        if (!wrapped.ok()) {
            fail(where(name),
                 "is not valid JSON " + expected.substr(expected.find(' ') + 1) + " (" +
                     wrapped.error().problem + ")",
                 "check the quoting: write " + name + "='" +
                     (expected == "an array" ? "[...]" : "{...}") + "'");
        }
        const Poco::Dynamic::Var parsed = wrapped.value()->get("value");
        const bool fits = expected == "an array" ? is_json_array(parsed) : is_json_object(parsed);
        if (!fits) {
            fail(where(name), "is " + json_type_name(parsed) + ", expected " + expected,
                 "write " + name + "='" + (expected == "an array" ? "[...]" : "{...}") + "'");
        }
        return parsed;
    }

    const TaskDescription& task_;
};

}  // namespace

Result<Poco::JSON::Object::Ptr> type_params(const std::vector<std::string>& arguments,
                                            const TaskDescription& task) {
    if (arguments.size() > kMaxParamArguments) {
        return HostError{"params",
                         "more than " + std::to_string(kMaxParamArguments) + " key=value arguments",
                         "pass them in a spec file (--spec FILE)"};
    }
    try {
        const ParamTyper typer(task);
        Object::Ptr params = new Object;
        for (const std::string& argument : arguments) {
            const size_t equals = argument.find('=');
            const std::string name = argument.substr(0, equals);
            if (equals == std::string::npos || !is_identifier(name)) {
                fail("argument \"" + printable(name, 64) + "\"", "is not a key=value param",
                     "write params as name=value (names: letters, digits, '_', '-', '.')");
            }
            const std::string value = argument.substr(equals + 1);
            if (value.size() > kMaxParamValueBytes) {
                fail("param " + name,
                     "is longer than " + std::to_string(kMaxParamValueBytes) + " bytes",
                     "pass large values in a spec file (--spec FILE)");
            }
            if (params->has(name)) {
                fail("param " + name, "is given twice", "give each param once");
            }
            params->set(name, typer.typed(name, value));
        }
        return params;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
