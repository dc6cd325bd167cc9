// The plugin's C ABI: the only extern "C" symbols. Thin on purpose: parse the spec, run the
// task, emit the outcome. Every entry point goes through catch_all, so no exception ever
// crosses the boundary, and plugin_execute calls host->emit exactly once on every path.
#include <Poco/Exception.h>

#include <cstring>
#include <exception>
#include <string>
#include <type_traits>

#include "dcv_resend_spec.h"
#include "dcv_resend_task.h"
#include "describe.h"
#include "domain_name_cache.h"
#include "host_services.h"
#include "outcome_writer.h"
#include "request_pacer.h"
#include "session_pool.h"
#include "taskhost/plugin.h"

#define DIGICERT_DCV_EXPORT extern "C" __attribute__((visibility("default")))

DIGICERT_DCV_EXPORT const char* plugin_describe(void);
DIGICERT_DCV_EXPORT int plugin_execute(const char* task_json, const taskhost_host* host);

// A plugin that drifts from the ABI fails to build, not to load.
static_assert(std::is_same<decltype(&plugin_describe), taskhost_plugin_describe_fn>::value,
              "plugin_describe does not match taskhost_plugin_describe_fn");
static_assert(std::is_same<decltype(&plugin_execute), taskhost_plugin_execute_fn>::value,
              "plugin_execute does not match taskhost_plugin_execute_fn");

namespace {

using namespace digicert_dcv;

// The one catch-all (after Falco's FALCOSECURITY_CATCH_ALL): runs `body`, and on any exception
// returns `on_error(description)`. `on_error` must not throw.
template <class Body, class OnError>
auto catch_all(Body&& body, OnError&& on_error) noexcept -> decltype(body()) {
    try {
        return body();
    } catch (const Poco::Exception& e) {
        return on_error(e.displayText().c_str());
    } catch (const std::exception& e) {
        return on_error(e.what());
    } catch (...) {
        return on_error("unknown exception");
    }
}

// Used only when even building the internal outcome fails (out of memory).
constexpr const char kLastResortOutcome[] =
    "{\"task\":\"digicert.dcv.resend\",\"status\":\"failed\",\"changed\":false,\"failed\":true,"
    "\"msg\":\"internal error in the digicert_dcv plugin\",\"attempts\":0,\"duration_ms\":0,"
    "\"error\":{\"kind\":\"internal\",\"msg\":\"internal error in the digicert_dcv plugin\","
    "\"retryable\":false,\"details\":{}}}";

constexpr const char kLastResortDescribe[] =
    "{\"abi_version\":1,\"name\":\"digicert_dcv\",\"version\":\"0.1.0\",\"tasks\":[]}";

DcvOutcome plugin_error(std::string msg) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    outcome.msg = msg;
    TaskError error;
    error.kind = ErrorKind::kPlugin;
    error.msg = std::move(msg);
    outcome.error = error;
    return outcome;
}

// Spec text -> validated spec -> outcome JSON; sets `failed`.
std::string execute(const char* task_json, const taskhost_host* host, bool& failed) {
    DcvOutcome outcome;
    std::string secret;
    if (host->abi_version != TASKHOST_ABI_VERSION) {
        outcome = plugin_error("the host speaks plugin ABI " + std::to_string(host->abi_version) +
                               ", this plugin ABI " + std::to_string(TASKHOST_ABI_VERSION) +
                               "; the major versions disagree");
    } else if (task_json == nullptr) {
        outcome = invalid_spec_outcome(
            SpecError{"$", "task_json is NULL; pass a JSON task spec", std::nullopt, std::nullopt});
    } else {
        const auto parsed = parse_dcv_resend_spec(task_json);
        if (const auto* error = std::get_if<SpecError>(&parsed)) {
            outcome = invalid_spec_outcome(*error);
        } else {
            const DcvResendSpec& spec = std::get<DcvResendSpec>(parsed);
            secret = spec.connection.api_key;
            HostServices services(host);
            outcome = DcvResendTask(spec, services, SessionPool::shared(), RequestPacer::shared(),
                                    DomainNameCache::shared())
                          .run();
        }
    }
    failed = outcome_failed(outcome);
    return write_outcome(outcome, secret);
}

}  // namespace

const char* plugin_describe(void) {
    return catch_all([] { return describe_json(); },
                     [](const char*) noexcept { return kLastResortDescribe; });
}

int plugin_execute(const char* task_json, const taskhost_host* host) {
    if (host == nullptr || !TASKHOST_HOST_HAS(host, emit) || host->emit == nullptr) {
        return 2;  // no way to hand over an outcome; the header forbids this call
    }
    bool failed = true;
    std::string outcome;
    const char* last_resort = nullptr;
    catch_all(
        [&] {
            outcome = execute(task_json, host, failed);
            return 0;
        },
        [&](const char* what) noexcept {
            failed = true;
            try {
                outcome = write_internal_outcome(what);
            } catch (...) {
                last_resort = kLastResortOutcome;
            }
            return 0;
        });
    if (last_resort != nullptr || outcome.empty()) {
        host->emit(host->ctx, kLastResortOutcome, std::strlen(kLastResortOutcome));
    } else {
        host->emit(host->ctx, outcome.data(), outcome.size());
    }
    return failed ? 1 : 0;
}
