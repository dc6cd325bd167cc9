#include "tasks/task_record.h"

#include "ledger/journal_key.h"
#include "ledger/journal_verdict.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

constexpr size_t kMaxSubjectChars = 256;

std::string scalar_text(const Poco::Dynamic::Var& value) {
    if (value.isString()) {
        return printable(value.extract<std::string>(), kMaxSubjectChars);
    }
    if (value.isInteger()) {
        return value.convert<std::string>();
    }
    return "";
}

std::string param_named(const TaskRequest& request, const Object::Ptr& names,
                        const std::string& which) {
    if (!names || !request.params) {
        return "";
    }
    const Poco::Dynamic::Var param = names->get(which);
    return param.isString() ? scalar_text(request.params->get(param.extract<std::string>())) : "";
}

std::string text_field(const Object::Ptr& outcome, const std::string& key) {
    const Poco::Dynamic::Var value = outcome->get(key);
    return value.isString() ? value.extract<std::string>() : std::string();
}

// The subject's id and name from the params the task's describe names ("subject_params").
void subject_from_params(const TaskRequest& request, std::string& id, std::string& name) {
    Object::Ptr names;
    if (request.offer.task != nullptr && request.offer.task->raw) {
        const Poco::Dynamic::Var declared = request.offer.task->raw->get("subject_params");
        if (is_json_object(declared)) {
            names = declared.extract<Object::Ptr>();
        }
    }
    id = param_named(request, names, "id");
    name = param_named(request, names, "name");
}

}  // namespace

TaskIdentity task_identity(const TaskRequest& request, const std::string& manifest,
                           const std::string& name, const std::string* canonical,
                           const std::string* key) {
    TaskIdentity identity;
    const Object::Ptr schema =
        request.offer.task != nullptr ? request.offer.task->params_schema : nullptr;
    identity.account = request.account->name;
    identity.task = request.task;
    const bool given =
        canonical != nullptr && key != nullptr && !canonical->empty() && !key->empty();
    identity.canonical_params = given ? *canonical : canonical_params(request.params, schema);
    identity.key =
        given ? *key : journal_key(identity.account, identity.task, identity.canonical_params);
    identity.params_digest = params_digest(identity.canonical_params);
    identity.manifest = manifest;
    identity.name = name.empty() ? request.id : name;
    subject_from_params(request, identity.subject_id, identity.subject_name);
    return identity;
}

Completion completion_from(const Object::Ptr& outcome) {
    Completion completion;
    completion.status = text_field(outcome, "status");
    if (completion.status.empty()) {
        completion.status = "failed";
    }
    completion.sent = completion.status == "succeeded";
    const Poco::Dynamic::Var in_doubt = outcome->get("in_doubt");
    completion.in_doubt = in_doubt.isBoolean() && in_doubt.extract<bool>();
    completion.msg = text_field(outcome, "msg");
    const Poco::Dynamic::Var subject = outcome->get("subject");
    if (is_json_object(subject)) {
        const Object::Ptr fields = subject.extract<Object::Ptr>();
        completion.subject_id = scalar_text(fields->get("id"));
        completion.subject_name = scalar_text(fields->get("name"));
    }
    return completion;
}

Object::Ptr not_sent_outcome(const TaskRequest& request, const LedgerVerdict& verdict,
                             const std::optional<std::chrono::seconds>& interval) {
    Object::Ptr outcome = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    outcome->set("task", request.task);
    outcome->set("id", request.id);
    outcome->set("status", "skipped");
    outcome->set("changed", false);
    outcome->set("failed", false);
    outcome->set("msg", not_sent_msg(verdict, interval));
    add_verdict(outcome, verdict);
    return outcome;
}

std::string subject_of(const TaskRequest& request, const Object::Ptr& outcome) {
    const Completion done = outcome ? completion_from(outcome) : Completion{};
    // Only the subject fields of the task's identity: not its canonical params, key and digest
    // (a JSON rendering and a hash per task, computed for the ledger already).
    std::string param_id;
    std::string param_name;
    subject_from_params(request, param_id, param_name);
    const std::string* const candidates[] = {&done.subject_name, &param_name, &done.subject_id,
                                             &param_id};
    for (const std::string* candidate : candidates) {
        if (!candidate->empty()) {
            return *candidate;
        }
    }
    return "";
}

void add_verdict(Object::Ptr outcome, const LedgerVerdict& verdict) {
    outcome->set("reason", verdict.reason);
    if (verdict.in_doubt) {
        outcome->set("in_doubt", true);
    }
    if (verdict.last_sent_at) {
        outcome->set("last_sent_at", format_utc(*verdict.last_sent_at));
    }
    if (verdict.next_due_at) {
        outcome->set("next_due_at", format_utc(*verdict.next_due_at));
    }
}

}  // namespace taskhost
