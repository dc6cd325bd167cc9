// The plugin's C ABI: the only extern "C" symbols, emitted by TASKHOST_PLUGIN. Thin on purpose:
// parse the spec, run the task, return the outcome. taskhost::sdk::execute_guarded is the one
// exception barrier: no exception crosses the boundary, and host->emit is called exactly once
// on every path. This file only says how DigiCert's outcomes read when something goes wrong.
#include <Poco/Exception.h>

#include <string>
#include <variant>

#include "dcv_resend_spec.h"
#include "dcv_resend_task.h"
#include "describe.h"
#include "domain_list_task.h"
#include "domain_name_cache.h"
#include "host_services.h"
#include "outcome_writer.h"
#include "request_pacer.h"
#include "secret_string.h"
#include "session_pool.h"
#include "taskhost/plugin.h"
#include "taskhost/plugin_sdk.hpp"

namespace {

using namespace digicert_dcv;

// Used only when even building the internal outcome fails (out of memory).
constexpr const char kLastResortOutcome[] =
    "{\"task\":\"digicert.dcv.resend\",\"status\":\"failed\",\"changed\":false,\"failed\":true,"
    "\"msg\":\"internal error in the digicert_dcv plugin\",\"attempts\":0,\"duration_ms\":0,"
    "\"error\":{\"kind\":\"internal\",\"msg\":\"internal error in the digicert_dcv plugin\","
    "\"retryable\":false,\"details\":{}}}";

constexpr const char kLastResortDescribe[] =
    "{\"abi_version\":1,\"name\":\"digicert_dcv\",\"version\":\"0.1.0\",\"tasks\":[]}";

// Called by the barrier inside its catch block: rethrowing reaches Poco's displayText, which
// says more than what() (only the exception's name).
std::string internal_outcome(const char* what) {
    try {
        throw;
    } catch (const Poco::Exception& e) {
        return write_internal_outcome(e.displayText());
    } catch (...) {
        return write_internal_outcome(what);
    }
}

std::string abi_mismatch_outcome(const std::string& msg) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    outcome.msg = msg;
    TaskError error;
    error.kind = ErrorKind::kPlugin;
    error.msg = msg;
    outcome.error = error;
    return write_outcome(outcome, {});
}

constexpr taskhost::sdk::FailureOutcomes kFailures{kPluginName, internal_outcome,
                                                   abi_mismatch_outcome, kLastResortOutcome};

// Spec text -> validated spec -> outcome JSON. `key_reached_parser`: see parse_task_spec.
taskhost::sdk::Outcome run_task(const char* task_json, const taskhost::sdk::Host& host,
                                bool& key_reached_parser) {
    DcvOutcome outcome;
    SecretString secret;
    if (task_json == nullptr) {
        outcome = invalid_spec_outcome(
            SpecError{"$", "task_json is NULL; pass a JSON task spec", std::nullopt, std::nullopt});
    } else {
        const auto parsed = parse_task_spec(task_json, key_reached_parser);
        HostServices services(host.raw());
        if (const auto* error = std::get_if<SpecError>(&parsed)) {
            outcome = invalid_spec_outcome(*error);
        } else if (const auto* listing = std::get_if<DomainListSpec>(&parsed)) {
            secret = listing->connection.api_key;
            outcome =
                DomainListTask(*listing, services, SessionPool::shared(), RequestPacer::shared())
                    .run();
        } else {
            const DcvResendSpec& spec = std::get<DcvResendSpec>(parsed);
            secret = spec.connection.api_key;
            outcome = DcvResendTask(spec, services, SessionPool::shared(), RequestPacer::shared(),
                                    DomainNameCache::shared())
                          .run();
        }
    }
    return {write_outcome(outcome, secret), outcome_failed(outcome)};
}

const char* describe_plugin() {
    return taskhost::sdk::describe_guarded([] { return describe_json(); }, kLastResortDescribe);
}

int execute_task(const char* task_json, const taskhost_host* host) {
    bool key_reached_parser = true;  // until the spec's parse says otherwise
    const int failed = taskhost::sdk::execute_guarded(
        task_json, host, kFailures,
        [&key_reached_parser](const char* json, const taskhost::sdk::Host& services) {
            return run_task(json, services, key_reached_parser);
        });
    if (key_reached_parser) {
        scrub_thread_cache();  // every copy of the key the parser made is freed by now
    }
    return failed;
}

}  // namespace

TASKHOST_PLUGIN(describe_plugin, execute_task);
