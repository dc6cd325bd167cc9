#include "config/daemon_settings.h"

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <set>

#include "util/bounded_json.h"
#include "util/host_error.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

// sockaddr_un.sun_path holds 108 bytes, the terminating NUL included.
constexpr size_t kMaxSocketPathChars = 107;

class SectionReader {
  public:
    SectionReader(std::string file, std::string base_dir)
        : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

    DaemonSettings read(const Poco::Dynamic::Var& section) {
        const Object::Ptr fields = object(section, "$.daemon");
        only_known(
            fields, "$.daemon",
            {"socket", "group", "max_concurrency", "max_queue", "drain_timeout_ms",
             "keep_finished_tasks", "audit_log", "watch_plugin_dir", "manifests_dir", "tcp"});
        DaemonSettings settings;
        const std::string at = "$.daemon";
        if (fields->has("socket")) {
            settings.socket = path(fields, at, "socket");
            if (settings.socket.size() > kMaxSocketPathChars) {
                fail(where(json_path_child(at, "socket")),
                     "is longer than " + std::to_string(kMaxSocketPathChars) +
                         " bytes, more than a unix socket address holds",
                     "choose a shorter path, e.g. /run/taskhost/taskhost.sock");
            }
        }
        if (fields->has("group")) {
            settings.group = text(fields, at, "group");
            if (settings.group->empty() || settings.group->size() > 64) {
                fail(where(json_path_child(at, "group")), "is not a group name",
                     "write the name of an existing group, e.g. \"taskhost\"");
            }
        }
        if (fields->has("max_concurrency")) {
            settings.max_concurrency =
                static_cast<int>(integer(fields, at, "max_concurrency", 1, 256));
        }
        if (fields->has("max_queue")) {
            settings.max_queue = static_cast<int>(integer(fields, at, "max_queue", 0, 10000));
        }
        if (fields->has("drain_timeout_ms")) {
            settings.drain_timeout_ms = integer(fields, at, "drain_timeout_ms", 0, 3600000);
        }
        if (fields->has("keep_finished_tasks")) {
            settings.keep_finished_tasks =
                static_cast<int>(integer(fields, at, "keep_finished_tasks", 1, 100000));
        }
        if (fields->has("audit_log")) {
            settings.audit_log = path(fields, at, "audit_log");
        }
        if (fields->has("watch_plugin_dir")) {
            const Poco::Dynamic::Var value = fields->get("watch_plugin_dir");
            if (!value.isBoolean()) {
                fail(where(json_path_child(at, "watch_plugin_dir")),
                     "is " + json_type_name(value) + ", expected a boolean", "write true or false");
            }
            settings.watch_plugin_dir = value.extract<bool>();
        }
        if (fields->has("manifests_dir")) {
            settings.manifests_dir = path(fields, at, "manifests_dir");
        }
        if (fields->has("tcp")) {
            settings.tcp = read_tcp(fields->get("tcp"), json_path_child(at, "tcp"));
        }
        return settings;
    }

  private:
    TcpListenerSettings read_tcp(const Poco::Dynamic::Var& value, const std::string& at) {
        const Object::Ptr fields = object(value, at);
        only_known(fields, at, {"port", "token_file"});
        if (!fields->has("port") || !fields->has("token_file")) {
            fail(where(at), "needs both \"port\" and \"token_file\"",
                 "write {\"port\": 8787, \"token_file\": \"/etc/taskhost/api.token\"} (a 0600 "
                 "file), or remove \"tcp\" to serve on the unix socket only");
        }
        TcpListenerSettings tcp;
        tcp.port = static_cast<uint16_t>(integer(fields, at, "port", 1, 65535));
        tcp.token_file = path(fields, at, "token_file");
        return tcp;
    }

    std::string where(const std::string& json_path) const { return file_ + ": " + json_path; }

    Object::Ptr object(const Poco::Dynamic::Var& value, const std::string& at) {
        if (!is_json_object(value)) {
            fail(where(at), "is " + json_type_name(value) + ", expected an object",
                 "write it as {...}");
        }
        return value.extract<Object::Ptr>();
    }

    void only_known(const Object::Ptr& fields, const std::string& at,
                    const std::set<std::string>& known) {
        for (const auto& entry : *fields) {
            if (known.count(entry.first) == 0) {
                std::string names;
                for (const std::string& name : known) {
                    names += (names.empty() ? "" : ", ") + name;
                }
                fail(where(json_path_child(at, entry.first)), "is not a known field",
                     "remove it or correct its spelling (known here: " + names + ")");
            }
        }
    }

    std::string text(const Object::Ptr& fields, const std::string& at, const std::string& key) {
        const Poco::Dynamic::Var value = fields->get(key);
        if (!value.isString()) {
            fail(where(json_path_child(at, key)),
                 "is " + json_type_name(value) + ", expected a string",
                 "write it in double quotes");
        }
        const std::string result = value.extract<std::string>();
        for (unsigned char c : result) {
            if (c < 0x20 || c == 0x7f) {
                fail(where(json_path_child(at, key)), "holds a control character",
                     "write it without control characters");
            }
        }
        return result;
    }

    std::string path(const Object::Ptr& fields, const std::string& at, const std::string& key) {
        const std::string raw = text(fields, at, key);
        if (raw.empty() || raw.size() > 4096) {
            fail(where(json_path_child(at, key)), "is not a usable path",
                 "write a non-empty path (relative paths are taken from the config file's "
                 "directory)");
        }
        const fs::path given(raw);
        return (given.is_absolute() ? given : fs::path(base_dir_) / given)
            .lexically_normal()
            .string();
    }

    int64_t integer(const Object::Ptr& fields, const std::string& at, const std::string& key,
                    int64_t min, int64_t max) {
        const Poco::Dynamic::Var value = fields->get(key);
        const std::string json_path = json_path_child(at, key);
        const std::string range =
            "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        if (!value.isInteger() || value.isBoolean()) {
            fail(where(json_path), "is " + json_type_name(value) + ", expected an integer",
                 "write " + range);
        }
        int64_t number = 0;
        try {
            number = value.convert<int64_t>();
        } catch (const Poco::Exception&) {
            fail(where(json_path), "is out of range", "write " + range);
        }
        if (number < min || number > max) {
            fail(where(json_path), std::to_string(number) + " is out of range", "write " + range);
        }
        return number;
    }

    std::string file_;
    std::string base_dir_;
};

}  // namespace

DaemonSettings read_daemon_settings(const Poco::Dynamic::Var& section, const std::string& file,
                                    const std::string& base_dir) {
    return SectionReader(file, base_dir).read(section);
}

}  // namespace taskhost
