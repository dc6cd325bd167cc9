#include "manifest/manifest_result.h"

#include "tasks/outcome.h"

namespace taskhost {

using Poco::JSON::Object;

Object::Ptr ManifestTaskResult::to_json() const {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("manifest", manifest);
    if (index) {
        json->set("index", static_cast<uint64_t>(*index));
    }
    json->set("name", name);
    json->set("task", task);
    json->set("account", account);
    json->set("status", status);
    json->set("changed", changed);
    json->set("failed", failed);
    json->set("msg", msg);
    json->set("reason", reason);
    json->set("in_doubt", in_doubt);
    if (invalid) {
        json->set("invalid", true);
    }
    if (!subject.empty()) {
        json->set("subject", subject);
    }
    if (verdict.last_sent_at) {
        json->set("last_sent_at", format_utc(*verdict.last_sent_at));
    }
    if (verdict.next_due_at) {
        json->set("next_due_at", format_utc(*verdict.next_due_at));
    }
    if (verdict.sending_since && verdict.in_doubt) {
        json->set("in_doubt_since", format_utc(*verdict.sending_since));
    }
    if (verdict.sending_since && verdict.action == LedgerVerdict::Action::kInProgress) {
        json->set("in_progress_since", format_utc(*verdict.sending_since));
        json->set("in_progress_by", verdict.sending_owner);
    }
    if (error) {
        json->set("error", error);
    }
    if (outcome) {
        json->set("outcome", outcome);
    }
    return json;
}

namespace {

ManifestTaskResult refused(const std::string& file, std::optional<size_t> index,
                           const std::string& name, const std::string& task,
                           const HostError& error) {
    ManifestTaskResult result;
    result.manifest = file;
    result.index = index;
    result.name = name;
    result.task = task;
    result.status = "failed";
    result.failed = true;
    result.invalid = true;
    result.reason = "invalid";
    result.msg = error.text();
    result.error = make_invalid_input_outcome(task, name, error)->getObject("error");
    return result;
}

}  // namespace

ManifestTaskResult invalid_result(const ManifestProblem& problem) {
    return refused(problem.file, problem.index, problem.name.value_or(""), "", problem.error);
}

ManifestTaskResult invalid_result(const ManifestTask& task, const HostError& error) {
    ManifestTaskResult result = refused(task.file, task.index, task.name, task.task, error);
    result.account = task.account.value_or("");
    return result;
}

std::string result_label(const ManifestTaskResult& result) {
    if (!result.index) {
        return result.manifest;
    }
    return result.manifest + ": " +
           (result.name.empty() ? "tasks[" + std::to_string(*result.index) + "]" : result.name);
}

}  // namespace taskhost
