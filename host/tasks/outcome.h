// The outcome shape the host itself writes (when it refuses input or a plugin misbehaves), and
// how an outcome maps to an exit code. Plugins write their own outcomes in the same shape.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "util/host_error.h"

namespace taskhost {

// Plain mode: 0 ok (succeeded/skipped/planned), 1 the task failed (including cancelled and
// invalid_input from the plugin), 2 usage or config error (the task never ran).
// --detailed-exitcodes (Puppet's): 0 unchanged, 2 changed, 4 the task failed, and 1 when the
// task never ran (usage or config error) so that 2 can only ever mean "changed".
enum ExitCode : int {
    kExitOk = 0,
    kExitTaskFailed = 1,
    kExitUsage = 2,
    kDetailedUnchanged = 0,
    kDetailedUsage = 1,
    kDetailedChanged = 2,
    kDetailedFailed = 4,
};

// {"task","id","status":"failed","changed":false,"failed":true,"msg",
//  "error":{"kind","msg","retryable":false,"details":{...}}}
Poco::JSON::Object::Ptr make_failure_outcome(const std::string& task, const std::string& id,
                                             const std::string& kind, const std::string& msg,
                                             Poco::JSON::Object::Ptr details = nullptr);

// The invalid_input outcome for a usage or config error: details name where and the fix.
Poco::JSON::Object::Ptr make_invalid_input_outcome(const std::string& task, const std::string& id,
                                                   const HostError& error);

// "failed" as the outcome says, or derived from "status" when a plugin left it out.
bool outcome_failed(const Poco::JSON::Object::Ptr& outcome);
bool outcome_changed(const Poco::JSON::Object::Ptr& outcome);

int exit_code_for_outcome(const Poco::JSON::Object::Ptr& outcome, bool detailed);
int exit_code_for_usage_error(bool detailed);

}  // namespace taskhost
