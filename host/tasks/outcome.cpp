#include "tasks/outcome.h"

namespace taskhost {

using Poco::JSON::Object;

Object::Ptr make_failure_outcome(const std::string& task, const std::string& id,
                                 const std::string& kind, const std::string& msg,
                                 Object::Ptr details) {
    Object::Ptr outcome = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    outcome->set("task", task);
    outcome->set("id", id);
    outcome->set("status", "failed");
    outcome->set("changed", false);
    outcome->set("failed", true);
    outcome->set("msg", msg);
    Object::Ptr error = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    error->set("kind", kind);
    error->set("msg", msg);
    error->set("retryable", false);
    error->set("details", details ? details : Object::Ptr(new Object));
    outcome->set("error", error);
    return outcome;
}

Object::Ptr make_invalid_input_outcome(const std::string& task, const std::string& id,
                                       const HostError& error) {
    Object::Ptr details = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    details->set("where", error.where);
    details->set("problem", error.problem);
    details->set("fix", error.fix);
    return make_failure_outcome(task, id, "invalid_input", error.text(), details);
}

bool outcome_failed(const Object::Ptr& outcome) {
    const Poco::Dynamic::Var failed = outcome->get("failed");
    if (failed.isBoolean()) {
        return failed.extract<bool>();
    }
    const Poco::Dynamic::Var status = outcome->get("status");
    if (!status.isString()) {
        return true;
    }
    const std::string text = status.extract<std::string>();
    return text != "succeeded" && text != "skipped" && text != "planned";
}

bool outcome_changed(const Object::Ptr& outcome) {
    const Poco::Dynamic::Var changed = outcome->get("changed");
    return changed.isBoolean() && changed.extract<bool>();
}

int exit_code_for_outcome(const Object::Ptr& outcome, bool detailed) {
    if (outcome_failed(outcome)) {
        return detailed ? kDetailedFailed : kExitTaskFailed;
    }
    if (detailed) {
        return outcome_changed(outcome) ? kDetailedChanged : kDetailedUnchanged;
    }
    return kExitOk;
}

int exit_code_for_usage_error(bool detailed) {
    return detailed ? kDetailedUsage : kExitUsage;
}

}  // namespace taskhost
