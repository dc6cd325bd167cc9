#include "config/daemon_settings.h"

#include "util/host_error.h"
#include "util/json_fields.h"

namespace taskhost {
namespace {

// sockaddr_un.sun_path holds 108 bytes, the terminating NUL included.
constexpr size_t kMaxSocketPathChars = 107;

JsonFieldRules daemon_rules() {
    JsonFieldRules rules;
    rules.text_plain = true;
    rules.path_fix =
        "write a non-empty path (relative paths are taken from the config file's directory)";
    return rules;
}

TcpListenerSettings read_tcp(const JsonFields& fields, const std::string& base_dir) {
    fields.only_known({"port", "token_file"});
    if (!fields.has("port") || !fields.has("token_file")) {
        fail(fields.where(), "needs both \"port\" and \"token_file\"",
             "write {\"port\": 8787, \"token_file\": \"/etc/taskhost/api.token\"} (a 0600 "
             "file), or remove \"tcp\" to serve on the unix socket only");
    }
    TcpListenerSettings tcp;
    tcp.port = static_cast<uint16_t>(fields.integer("port", 1, 65535));
    tcp.token_file = fields.path("token_file", base_dir);
    return tcp;
}

// How long a caller may take to send a request, and how many connections wait at once: what
// keeps slow or silent callers from starving the API (issue 9).
void read_connection_limits(const JsonFields& fields, DaemonSettings& settings) {
    if (fields.has("max_connections")) {
        settings.max_connections = static_cast<int>(fields.integer("max_connections", 16, 65536));
    }
    if (fields.has("head_timeout_ms")) {
        settings.head_timeout_ms = fields.integer("head_timeout_ms", 100, 600000);
    }
    if (fields.has("body_timeout_ms")) {
        settings.body_timeout_ms = fields.integer("body_timeout_ms", 100, 600000);
    }
    if (fields.has("keep_alive_timeout_ms")) {
        settings.keep_alive_timeout_ms = fields.integer("keep_alive_timeout_ms", 100, 600000);
    }
}

void read_log_style(const JsonFields& fields, const std::string& base_dir,
                    DaemonSettings& settings) {
    if (fields.has("log_file")) {
        settings.log_file = fields.path("log_file", base_dir);
    }
    if (fields.has("log_format")) {
        settings.log_format = fields.text("log_format");
        if (settings.log_format != "text" && settings.log_format != "json") {
            fail(fields.where("log_format"), "is neither \"text\" nor \"json\"",
                 "write \"json\" for one JSON object per line, or leave it out");
        }
    }
    if (fields.has("log_level")) {
        settings.log_level = fields.text("log_level");
        const std::string& level = settings.log_level;
        if (level != "debug" && level != "info" && level != "warn" && level != "error") {
            fail(fields.where("log_level"), "is not a log level",
                 "write \"debug\", \"info\", \"warn\" or \"error\"");
        }
    }
}

}  // namespace

DaemonSettings read_daemon_settings(const Poco::Dynamic::Var& section, const std::string& file,
                                    const std::string& base_dir) {
    const JsonFields fields = JsonFields::of(section, file, "$.daemon", daemon_rules());
    fields.only_known({"audit_log", "body_timeout_ms", "drain_timeout_ms", "group",
                       "head_timeout_ms", "keep_alive_timeout_ms", "keep_finished_tasks",
                       "log_file", "log_format", "log_level", "manifests_dir", "max_concurrency",
                       "max_connections", "max_queue", "plugin_probe_timeout_ms", "socket", "tcp",
                       "watch_plugin_dir"});
    DaemonSettings settings;
    if (fields.has("socket")) {
        settings.socket = fields.path("socket", base_dir);
        if (settings.socket.size() > kMaxSocketPathChars) {
            fail(fields.where("socket"),
                 "is longer than " + std::to_string(kMaxSocketPathChars) +
                     " bytes, more than a unix socket address holds",
                 "choose a shorter path, e.g. /run/taskhost/taskhost.sock");
        }
    }
    if (fields.has("group")) {
        settings.group = fields.text("group");
        if (settings.group->empty() || settings.group->size() > 64) {
            fail(fields.where("group"), "is not a group name",
                 "write the name of an existing group, e.g. \"taskhost\"");
        }
    }
    if (fields.has("max_concurrency")) {
        settings.max_concurrency = static_cast<int>(fields.integer("max_concurrency", 1, 256));
    }
    if (fields.has("max_queue")) {
        settings.max_queue = static_cast<int>(fields.integer("max_queue", 0, 10000));
    }
    if (fields.has("plugin_probe_timeout_ms")) {
        settings.plugin_probe_timeout_ms = fields.integer("plugin_probe_timeout_ms", 100, 600000);
    }
    if (fields.has("drain_timeout_ms")) {
        settings.drain_timeout_ms = fields.integer("drain_timeout_ms", 0, 3600000);
    }
    if (fields.has("keep_finished_tasks")) {
        settings.keep_finished_tasks =
            static_cast<int>(fields.integer("keep_finished_tasks", 1, 100000));
    }
    if (fields.has("audit_log")) {
        settings.audit_log = fields.path("audit_log", base_dir);
    }
    if (fields.has("watch_plugin_dir")) {
        settings.watch_plugin_dir = fields.boolean("watch_plugin_dir");
    }
    if (fields.has("manifests_dir")) {
        settings.manifests_dir = fields.path("manifests_dir", base_dir);
    }
    if (fields.has("tcp")) {
        settings.tcp = read_tcp(fields.child("tcp"), base_dir);
    }
    read_connection_limits(fields, settings);
    read_log_style(fields, base_dir, settings);
    return settings;
}

}  // namespace taskhost
