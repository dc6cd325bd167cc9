// hello_plugin: the smallest plugin an author outside this repository can build from the
// installed <taskhost/plugin_sdk.hpp> alone (no Poco, no taskhost sources). Its one task,
// hello.greet, answers a fixed outcome.
#include <taskhost/plugin_sdk.hpp>

namespace {

static_assert(TASKHOST_ABI_VERSION == 1, "kDescribe reports \"abi_version\": 1: update it");
constexpr const char kDescribe[] = R"json({
  "abi_version": 1,
  "name": "hello_plugin",
  "version": "1.0.0",
  "tasks": [{
    "name": "hello.greet",
    "summary": "Say hello (an out-of-tree example plugin)",
    "params_schema": {"type": "object", "properties": {}, "additionalProperties": false},
    "supports_dry_run": true
  }]
})json";

constexpr taskhost::sdk::FailureOutcomes kFailures{"hello_plugin"};

const char* describe() {
    return kDescribe;
}

taskhost::sdk::Outcome greet(const char* /*task_json*/, const taskhost::sdk::Host& /*host*/) {
    return {R"({"task":"hello.greet","status":"succeeded","changed":false,"failed":false,)"
            R"("msg":"hello from an out-of-tree plugin"})",
            false};
}

int execute(const char* task_json, const taskhost_host* host) {
    return taskhost::sdk::execute_guarded(task_json, host, kFailures, greet);
}

}  // namespace

TASKHOST_PLUGIN(describe, execute);
