#include "manifest/manifest.h"

#include <Poco/JSON/Array.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>

#include "manifest/manifest_for_each.h"
#include "util/api_key_name.h"
#include "util/bounded_json.h"
#include "util/json_fields.h"
#include "util/json_syntax_error.h"
#include "util/resend_interval.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// An old manifest's "skip_if_validated" and the like land here: the host knows no plugin's
// settings, so a field it does not know is most likely a param.
const char* const kParamsNote = "a plugin's own settings go in \"params\"";

JsonFieldRules manifest_rules() {
    JsonFieldRules rules;
    rules.text_non_empty = true;
    rules.text_max_chars = 256;
    rules.text_fix = "write a non-empty string in double quotes";
    return rules;
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

// What a task's messages are prefixed with once its name is known.
std::string task_source(const std::string& file, const std::string& name) {
    return file + ": task \"" + name + "\"";
}

struct Defaults {
    std::optional<std::string> account;
    Object::Ptr params = new Object;
    std::chrono::seconds resend_interval = kDefaultResendInterval;
};

std::chrono::seconds interval(const JsonFields& fields) {
    const Poco::Dynamic::Var value = fields.value("resend_interval");
    const std::string fix =
        "write a duration such as \"24h\", \"90m\", \"1h30m\" or \"7d\" (units d, h, m, s, "
        "largest first; at most 366d)";
    if (!value.isString()) {
        fail(fields.where("resend_interval"), wrong_type(value, "a string"), fix);
    }
    const std::string text = value.extract<std::string>();
    const std::optional<std::chrono::seconds> parsed = parse_resend_interval(text);
    if (!parsed) {
        fail(fields.where("resend_interval"), "\"" + printable(text, 40) + "\" is not a duration",
             fix);
    }
    return *parsed;
}

Defaults read_defaults(const JsonFields& fields) {
    fields.only_known({"account", "params", "resend_interval"}, kParamsNote);
    Defaults defaults;
    if (fields.has("account")) {
        defaults.account = fields.text("account");
    }
    if (fields.has("params")) {
        defaults.params = fields.object("params");
    }
    if (fields.has("resend_interval")) {
        defaults.resend_interval = interval(fields);
    }
    return defaults;
}

// Field readers throw HostErrorException (via fail) with `where` naming the file, the JSON path
// and, inside a task whose name could be read, the task.
ManifestTask read_task(const JsonFields& item, size_t index, const Defaults& defaults,
                       std::optional<std::string>& name_out) {
    ManifestTask task;
    task.file = item.source();
    task.index = index;
    if (!item.has("name")) {
        fail(item.where("name"), "is missing",
             "give the task a name unique in this manifest (e.g. the domain)");
    }
    task.name = item.text("name");
    if (!is_task_name(task.name)) {
        fail(item.where("name"), "\"" + printable(task.name, 64) + "\" is not a usable name",
             "use 1 to 128 letters, digits and _ - . : @ /");
    }
    name_out = task.name;
    // From here on every message names the task too.
    const JsonFields fields(item.json(), task_source(task.file, task.name), item.json_path(),
                            item.rules());
    fields.only_known({"name", "task", "account", "params", "resend_interval", "for_each"},
                      kParamsNote);
    if (!fields.has("task")) {
        fail(fields.where("task"), "is missing",
             "name the plugin task to run (taskhost plugins lists the tasks of the loaded "
             "plugins)");
    }
    task.task = fields.text("task");
    task.account = fields.has("account") ? fields.text("account") : defaults.account;
    task.params = new Object;
    for (const auto& entry : *defaults.params) {
        task.params->set(entry.first, entry.second);
    }
    if (fields.has("params")) {
        for (const auto& entry : *fields.object("params")) {
            task.params->set(entry.first, entry.second);
        }
    }
    task.resend_interval =
        fields.has("resend_interval") ? interval(fields) : defaults.resend_interval;
    if (fields.has("for_each")) {
        task.for_each = read_for_each(fields);
    }
    return task;
}

void read_manifest(const Object::Ptr& root_object, const std::string& file, Manifest& manifest) {
    if (auto secret = find_api_key(root_object)) {
        fail(file + ": " + *secret, "a manifest must never hold an API key",
             "remove it (and rotate the key: manifests live in version control); name an "
             "account instead, whose key comes from the host config's api_key_env or "
             "api_key_file");
    }
    const JsonFields root(root_object, file, "$", manifest_rules());
    root.only_known({"version", "defaults", "tasks"});
    if (!root.has("version")) {
        fail(root.where("version"), "is missing", "add \"version\": 1");
    }
    const Poco::Dynamic::Var version = root.value("version");
    if (!version.isInteger() || version.isBoolean() || version.convert<int64_t>() != 1) {
        fail(root.where("version"),
             version.isInteger() && !version.isBoolean()
                 ? "is " + version.convert<std::string>() + ", this taskhost reads version 1"
                 : wrong_type(version, "the integer 1"),
             "write \"version\": 1");
    }
    Defaults defaults;
    if (root.has("defaults")) {
        defaults = read_defaults(root.child("defaults"));
    }
    if (!root.has("tasks")) {
        fail(root.where("tasks"), "is missing", "add \"tasks\": [{\"name\": ..., ...}]");
    }
    const Array::Ptr list =
        root.array("tasks", "write \"tasks\": [{\"name\": ..., \"task\": ..., \"params\": {...}}]");
    if (list->size() > kMaxManifestTasks) {
        fail(root.where("tasks"),
             "has " + std::to_string(list->size()) + " tasks, more than " +
                 std::to_string(kMaxManifestTasks),
             "split the manifest into several files");
    }
    std::map<std::string, size_t> names;
    for (size_t i = 0; i < list->size(); ++i) {
        ManifestProblem problem{file, i, std::nullopt, HostError{}};
        const std::string path = json_path_index(root.child_path("tasks"), i);
        try {
            ManifestTask task = read_task(
                root.nested(list->get(i), path,
                            "write the task as {\"name\": ..., \"task\": ..., \"params\": {...}}"),
                i, defaults, problem.name);
            const auto [first, fresh] = names.emplace(task.name, i);
            if (!fresh) {
                fail(task_source(file, task.name) + ": " + path + ".name",
                     "the name \"" + task.name + "\" is already used by " +
                         json_path_index(root.child_path("tasks"), first->second),
                     "give every task of a manifest its own name");
            }
            manifest.tasks.push_back(std::move(task));
        } catch (const HostErrorException& e) {
            problem.error = e.error();
            manifest.problems.push_back(std::move(problem));
        }
    }
}

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
        read_manifest(root.value(), file, manifest);
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

namespace {

// The bytes of `file`, refused past kMaxManifestBytes (without reading much further).
// Opened with O_NONBLOCK and refused unless regular: a FIFO (say, dropped into a watched
// manifests directory) would block open() or read() forever, a device read without end.
Result<std::string> read_manifest_file(const std::string& file) {
    const std::string what = "manifest " + file;
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        const int err = errno;
        return HostError{what, "cannot read " + file + ": " + std::strerror(err),
                         "check that the file exists and is readable"};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return HostError{what, "is not a regular file (a FIFO, socket or device is never read)",
                         "make the manifest a regular file, or remove it"};
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    std::string text;
    char buffer[16384];
    ssize_t got = 0;
    while (text.size() <= kMaxManifestBytes) {
        got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        text.append(buffer, static_cast<size_t>(got));
    }
    const int err = errno;
    ::close(fd);
    if (got < 0) {
        return HostError{what, std::string("could not be read completely: ") + std::strerror(err),
                         "check the file"};
    }
    if (text.size() > kMaxManifestBytes) {
        return HostError{
            what, "is more than the limit of " + std::to_string(kMaxManifestBytes) + " bytes",
            "make it smaller"};
    }
    return text;
}

}  // namespace

Manifest load_manifest(const std::string& file) {
    Result<std::string> text = read_manifest_file(file);
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
