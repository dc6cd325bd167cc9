#include "tasks/user_spec.h"

#include <istream>

#include "util/api_key_name.h"
#include "util/bounded_json.h"
#include "util/json_fields.h"
#include "util/resend_interval.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

UserSpec read_spec(const Object::Ptr& root, const std::string& where) {
    if (root->has("connection")) {
        fail(where + ": $.connection", "a spec must not give a connection",
             "remove it and name an account (\"account\": \"NAME\"); the host's config holds each "
             "account's URL and key source");
    }
    if (auto secret = find_api_key(root)) {
        fail(where + ": " + *secret, "a spec must never hold an API key",
             "remove it and name an account instead (\"account\": \"NAME\" or --account "
             "NAME); the account's key comes from its api_key_env or api_key_file");
    }
    const JsonFields fields(root, where, "$", user_spec_field_rules());
    fields.only_known({"task", "id", "dry_run", "account", "params", "resend_interval", "force"});
    UserSpec spec;
    if (fields.has("task")) {
        spec.task = fields.text("task");
    }
    if (fields.has("id")) {
        spec.id = fields.text("id");
        if (!is_valid_task_id(*spec.id)) {
            fail(fields.where("id"), "is not a usable id",
                 "use at most 128 printable characters without control characters");
        }
    }
    if (fields.has("account")) {
        spec.account = fields.text("account");
    }
    if (fields.has("dry_run")) {
        spec.dry_run = fields.boolean("dry_run");
    }
    if (fields.has("resend_interval")) {
        spec.resend_interval = parse_resend_interval(fields.text("resend_interval"));
        if (!spec.resend_interval) {
            fail(fields.where("resend_interval"), "is not a duration",
                 "write whole units, largest first, at most 366d: \"24h\", \"7d\", \"1h30m\", "
                 "\"0s\"");
        }
    }
    if (fields.has("force")) {
        spec.force = fields.boolean("force");
    }
    spec.params = new Object;
    if (fields.has("params")) {
        spec.params = fields.object("params", "write the params as {\"name\": value, ...}");
    }
    return spec;
}

}  // namespace

JsonFieldRules user_spec_field_rules() {
    JsonFieldRules rules;
    rules.text_non_empty = true;
    rules.text_fix = "write a non-empty string, or leave the field out";
    rules.unknown_fix = "remove it";
    rules.known_label = "known";
    return rules;
}

bool is_valid_task_id(const std::string& id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (unsigned char c : id) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

Result<std::string> read_user_spec_text(const std::string& source, std::istream& in) {
    if (source == "-") {
        return read_bounded_stream(in, kMaxUserSpecBytes, "spec from stdin");
    }
    return read_bounded_file(source, kMaxUserSpecBytes, "spec " + source);
}

Result<UserSpec> parse_user_spec(const std::string& text, const std::string& source) {
    const std::string where = "spec " + source;
    Result<Object::Ptr> root =
        parse_json_object(text, JsonLimits{kMaxUserSpecBytes, kMaxUserSpecDepth}, where);
    if (!root.ok()) {
        return root.error();
    }
    try {
        return read_spec(root.value(), where);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
