#include "manifest/manifest.h"

#include <Poco/JSON/Array.h>

#include <cctype>
#include <map>
#include <set>

#include "manifest/resend_interval.h"
#include "util/bounded_json.h"
#include "util/json_syntax_error.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const char* const kTaskFields = "name, task, account, params, resend_interval, skip_if_validated";
const char* const kDefaultsFields = "account, params, resend_interval, skip_if_validated";

// "api_key", "apiKey", "API-KEY"...: one secret under many spellings.
bool looks_like_api_key(const std::string& key) {
    std::string folded;
    for (char c : key) {
        if (c != '_' && c != '-') {
            folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return folded == "apikey";
}

std::optional<std::string> api_key_path(const Poco::Dynamic::Var& value, const std::string& path) {
    if (is_json_object(value)) {
        for (const auto& entry : *value.extract<Object::Ptr>()) {
            const std::string child = json_path_child(path, entry.first);
            if (looks_like_api_key(entry.first)) {
                return child;
            }
            if (auto found = api_key_path(entry.second, child)) {
                return found;
            }
        }
    } else if (is_json_array(value)) {
        const Array::Ptr list = value.extract<Array::Ptr>();
        for (size_t i = 0; i < list->size(); ++i) {
            if (auto found = api_key_path(list->get(i), json_path_index(path, i))) {
                return found;
            }
        }
    }
    return std::nullopt;
}

bool is_task_name(const std::string& name) {
    if (name.empty() || name.size() > kMaxTaskNameChars) {
        return false;
    }
    for (char c : name) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                        c == '.' || c == ':' || c == '@' || c == '/';
        if (!ok) {
            return false;
        }
    }
    return true;
}

struct Defaults {
    std::optional<std::string> account;
    Object::Ptr params = new Object;
    std::chrono::seconds resend_interval = kDefaultResendInterval;
    bool skip_if_validated = false;
};

// Walks one parsed manifest. Field readers throw HostErrorException (via fail) with `where`
// already naming the file, the JSON path and, inside a task, the task.
class ManifestReader {
  public:
    explicit ManifestReader(std::string file) : file_(std::move(file)) {}

    void read(const Object::Ptr& root, Manifest& manifest) {
        if (auto secret = api_key_path(root, "$")) {
            fail(file_ + ": " + *secret, "a manifest must never hold an API key",
                 "remove it (and rotate the key: manifests live in version control); name an "
                 "account instead, whose key comes from the host config's api_key_env or "
                 "api_key_file");
        }
        label_ = file_ + ": ";
        only_known(root, "$", {"version", "defaults", "tasks"}, "version, defaults, tasks");
        if (!root->has("version")) {
            fail(label_ + "$.version", "is missing", "add \"version\": 1");
        }
        const Poco::Dynamic::Var version = root->get("version");
        if (!version.isInteger() || version.isBoolean() || version.convert<int64_t>() != 1) {
            fail(label_ + "$.version",
                 version.isInteger() && !version.isBoolean()
                     ? "is " + version.convert<std::string>() + ", this taskhost reads version 1"
                     : "is " + json_type_name(version) + ", expected the integer 1",
                 "write \"version\": 1");
        }
        Defaults defaults;
        if (root->has("defaults")) {
            defaults = read_defaults(object(root, "$", "defaults"));
        }
        if (!root->has("tasks")) {
            fail(label_ + "$.tasks", "is missing", "add \"tasks\": [{\"name\": ..., ...}]");
        }
        const Poco::Dynamic::Var tasks = root->get("tasks");
        if (!is_json_array(tasks)) {
            fail(label_ + "$.tasks", "is " + json_type_name(tasks) + ", expected an array",
                 "write \"tasks\": [{\"name\": ..., \"task\": ..., \"params\": {...}}]");
        }
        const Array::Ptr list = tasks.extract<Array::Ptr>();
        if (list->size() > kMaxManifestTasks) {
            fail(label_ + "$.tasks",
                 "has " + std::to_string(list->size()) + " tasks, more than " +
                     std::to_string(kMaxManifestTasks),
                 "split the manifest into several files");
        }
        std::map<std::string, size_t> names;
        for (size_t i = 0; i < list->size(); ++i) {
            ManifestProblem problem{file_, i, std::nullopt, HostError{}};
            try {
                ManifestTask task = read_task(list->get(i), i, defaults, problem.name);
                const auto [first, fresh] = names.emplace(task.name, i);
                if (!fresh) {
                    fail(label_ + json_path_index("$.tasks", i) + ".name",
                         "the name \"" + task.name + "\" is already used by " +
                             json_path_index("$.tasks", first->second),
                         "give every task of a manifest its own name");
                }
                manifest.tasks.push_back(std::move(task));
            } catch (const HostErrorException& e) {
                problem.error = e.error();
                manifest.problems.push_back(std::move(problem));
            }
        }
    }

  private:
    Defaults read_defaults(const Object::Ptr& fields) {
        label_ = file_ + ": ";
        only_known(fields, "$.defaults",
                   {"account", "params", "resend_interval", "skip_if_validated"}, kDefaultsFields);
        Defaults defaults;
        if (fields->has("account")) {
            defaults.account = account(fields, "$.defaults");
        }
        if (fields->has("params")) {
            defaults.params = object(fields, "$.defaults", "params");
        }
        if (fields->has("resend_interval")) {
            defaults.resend_interval = interval(fields, "$.defaults");
        }
        if (fields->has("skip_if_validated")) {
            defaults.skip_if_validated = boolean(fields, "$.defaults", "skip_if_validated");
        }
        return defaults;
    }

    ManifestTask read_task(const Poco::Dynamic::Var& value, size_t index, const Defaults& defaults,
                           std::optional<std::string>& name_out) {
        const std::string path = json_path_index("$.tasks", index);
        label_ = file_ + ": ";
        if (!is_json_object(value)) {
            fail(label_ + path, "is " + json_type_name(value) + ", expected an object",
                 "write the task as {\"name\": ..., \"task\": ..., \"params\": {...}}");
        }
        const Object::Ptr fields = value.extract<Object::Ptr>();
        ManifestTask task;
        task.file = file_;
        task.index = index;
        if (!fields->has("name")) {
            fail(label_ + path + ".name", "is missing",
                 "give the task a name unique in this manifest (e.g. the domain)");
        }
        task.name = string(fields, path, "name");
        if (!is_task_name(task.name)) {
            fail(label_ + path + ".name",
                 "\"" + printable(task.name, 64) + "\" is not a usable name",
                 "use 1 to 128 letters, digits and _ - . : @ /");
        }
        name_out = task.name;
        // From here on every message names the task too.
        label_ = file_ + ": task \"" + task.name + "\": ";
        only_known(fields, path,
                   {"name", "task", "account", "params", "resend_interval", "skip_if_validated"},
                   kTaskFields);
        if (!fields->has("task")) {
            fail(label_ + path + ".task", "is missing",
                 "name the plugin task, e.g. \"task\": \"digicert.dcv.resend\" (taskhost plugins "
                 "lists them)");
        }
        task.task = string(fields, path, "task");
        task.account = fields->has("account") ? account(fields, path) : defaults.account;
        task.params = new Object;
        for (const auto& entry : *defaults.params) {
            task.params->set(entry.first, entry.second);
        }
        if (fields->has("params")) {
            for (const auto& entry : *object(fields, path, "params")) {
                task.params->set(entry.first, entry.second);
            }
        }
        task.resend_interval =
            fields->has("resend_interval") ? interval(fields, path) : defaults.resend_interval;
        task.skip_if_validated = fields->has("skip_if_validated")
                                     ? boolean(fields, path, "skip_if_validated")
                                     : defaults.skip_if_validated;
        return task;
    }

    void only_known(const Object::Ptr& fields, const std::string& path,
                    const std::set<std::string>& known, const char* listed) {
        for (const auto& entry : *fields) {
            if (known.count(entry.first) == 0) {
                fail(label_ + json_path_child(path, entry.first), "is not a known field",
                     std::string("remove it or correct its spelling (known here: ") + listed + ")");
            }
        }
    }

    std::string string(const Object::Ptr& fields, const std::string& path, const std::string& key) {
        const Poco::Dynamic::Var value = fields->get(key);
        if (!value.isString() || value.extract<std::string>().empty()) {
            fail(label_ + json_path_child(path, key),
                 value.isString() ? "is empty"
                                  : "is " + json_type_name(value) + ", expected a string",
                 "write a non-empty string in double quotes");
        }
        const std::string text = value.extract<std::string>();
        if (text.size() > 256) {
            fail(label_ + json_path_child(path, key), "is longer than 256 characters",
                 "shorten it");
        }
        return text;
    }

    std::string account(const Object::Ptr& fields, const std::string& path) {
        return string(fields, path, "account");
    }

    Object::Ptr object(const Object::Ptr& fields, const std::string& path, const std::string& key) {
        const Poco::Dynamic::Var value = fields->get(key);
        if (!is_json_object(value)) {
            fail(label_ + json_path_child(path, key),
                 "is " + json_type_name(value) + ", expected an object", "write it as {...}");
        }
        return value.extract<Object::Ptr>();
    }

    bool boolean(const Object::Ptr& fields, const std::string& path, const std::string& key) {
        const Poco::Dynamic::Var value = fields->get(key);
        if (!value.isBoolean()) {
            fail(label_ + json_path_child(path, key),
                 "is " + json_type_name(value) + ", expected a boolean",
                 "write true or false (without quotes)");
        }
        return value.extract<bool>();
    }

    std::chrono::seconds interval(const Object::Ptr& fields, const std::string& path) {
        const std::string where = label_ + json_path_child(path, "resend_interval");
        const Poco::Dynamic::Var value = fields->get("resend_interval");
        const std::string fix =
            "write a duration such as \"24h\", \"90m\", \"1h30m\" or \"7d\" (units d, h, m, s, "
            "largest first; at most 366d)";
        if (!value.isString()) {
            fail(where, "is " + json_type_name(value) + ", expected a string", fix);
        }
        const std::string text = value.extract<std::string>();
        const std::optional<std::chrono::seconds> parsed = parse_resend_interval(text);
        if (!parsed) {
            fail(where, "\"" + printable(text, 40) + "\" is not a duration", fix);
        }
        return *parsed;
    }

    std::string file_;
    std::string label_;
};

}  // namespace

bool Manifest::file_failed() const {
    return !problems.empty() && !problems.front().index;
}

Manifest parse_manifest(const std::string& text, const std::string& file) {
    Manifest manifest;
    manifest.file = file;
    const auto file_problem = [&](HostError error) {
        manifest.problems.push_back(ManifestProblem{file, std::nullopt, std::nullopt, error});
        return manifest;
    };
    if (text.size() > kMaxManifestBytes) {
        return file_problem(HostError{file,
                                      "is " + std::to_string(text.size()) +
                                          " bytes, more than the limit of " +
                                          std::to_string(kMaxManifestBytes),
                                      "split it into several manifests"});
    }
    if (const std::optional<JsonSyntaxError> syntax = find_json_syntax_error(text)) {
        return file_problem(HostError{
            file + ":" + std::to_string(syntax->line) + ":" + std::to_string(syntax->column),
            "is not valid JSON: " + syntax->problem,
            "fix the JSON at line " + std::to_string(syntax->line) + ", column " +
                std::to_string(syntax->column)});
    }
    Result<Object::Ptr> root =
        parse_json_object(text, JsonLimits{kMaxManifestBytes, kMaxManifestDepth}, file);
    if (!root.ok()) {
        return file_problem(root.error());
    }
    try {
        ManifestReader(file).read(root.value(), manifest);
    } catch (const HostErrorException& e) {
        manifest.tasks.clear();
        manifest.problems.insert(manifest.problems.begin(),
                                 ManifestProblem{file, std::nullopt, std::nullopt, e.error()});
    } catch (const Poco::Exception& e) {
        // A value Poco cannot convert (e.g. an integer beyond 64 bits).
        manifest.tasks.clear();
        manifest.problems.insert(manifest.problems.begin(),
                                 ManifestProblem{file, std::nullopt, std::nullopt,
                                                 HostError{file,
                                                           "holds a value taskhost cannot read (" +
                                                               printable(e.displayText()) + ")",
                                                           "check the numbers and strings in it"}});
    }
    return manifest;
}

Manifest load_manifest(const std::string& file) {
    Result<std::string> text = read_bounded_file(file, kMaxManifestBytes, "manifest " + file);
    if (!text.ok()) {
        Manifest manifest;
        manifest.file = file;
        manifest.problems.push_back(
            ManifestProblem{file, std::nullopt, std::nullopt, text.error()});
        return manifest;
    }
    return parse_manifest(text.value(), file);
}

}  // namespace taskhost
