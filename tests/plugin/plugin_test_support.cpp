#include "plugin_test_support.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <sstream>
#include <stdexcept>

namespace dcv_plugin_test {

const LoadedPlugin& LoadedPlugin::instance() {
    static const LoadedPlugin plugin = [] {
        LoadedPlugin loaded;
        loaded.handle = ::dlopen(DIGICERT_DCV_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        if (loaded.handle == nullptr) {
            throw std::runtime_error(std::string("dlopen failed: ") + ::dlerror());
        }
        loaded.describe = reinterpret_cast<taskhost_plugin_describe_fn>(
            ::dlsym(loaded.handle, "plugin_describe"));
        loaded.execute =
            reinterpret_cast<taskhost_plugin_execute_fn>(::dlsym(loaded.handle, "plugin_execute"));
        if (loaded.describe == nullptr || loaded.execute == nullptr) {
            throw std::runtime_error("digicert_dcv.so lacks an ABI symbol");
        }
        return loaded;  // never dlclosed: the suites share it for the process' life
    }();
    return plugin;
}

RecordingHost::RecordingHost() {
    host_.abi_version = TASKHOST_ABI_VERSION;
    host_.size = sizeof(taskhost_host);
    host_.ctx = this;
    host_.emit = &RecordingHost::on_emit;
    host_.log = &RecordingHost::on_log;
    host_.cancelled = &RecordingHost::on_cancelled;
}

void RecordingHost::offer_pacing(int acquire_answer) {
    acquire_answer_ = acquire_answer;
    host_.acquire = &RecordingHost::on_acquire;
    host_.throttled = &RecordingHost::on_throttled;
}

void RecordingHost::shrink_to_pre_pacing_size() {
    offer_pacing();
    host_.size = static_cast<uint32_t>(offsetof(taskhost_host, acquire));
}

void RecordingHost::on_emit(void* ctx, const char* json, size_t len) {
    auto* self = static_cast<RecordingHost*>(ctx);
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->emits_.emplace_back(json, len);
}

void RecordingHost::on_log(void* ctx, int, const char* message) {
    auto* self = static_cast<RecordingHost*>(ctx);
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->logs_.emplace_back(message);
}

int RecordingHost::on_cancelled(void* ctx) {
    auto* self = static_cast<RecordingHost*>(ctx);
    const int call = ++self->cancelled_calls_;
    const int from = self->cancel_from_.load();
    if (from > 0 && call >= from) {
        return 1;
    }
    const int64_t at = self->cancel_at_ns_.load();
    return at != 0 && std::chrono::steady_clock::now().time_since_epoch().count() >= at ? 1 : 0;
}

void RecordingHost::cancel_after(std::chrono::milliseconds delay) {
    cancel_at_ns_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        (std::chrono::steady_clock::now() + delay).time_since_epoch())
                        .count();
}

int RecordingHost::on_acquire(void* ctx, const char* bucket) {
    auto* self = static_cast<RecordingHost*>(ctx);
    ++self->acquire_calls_;
    if (self->acquire_hook_) {
        self->acquire_hook_();
    }
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->buckets_.emplace_back(bucket);
    return self->acquire_answer_;
}

void RecordingHost::on_throttled(void* ctx, const char* bucket, uint32_t retry_after_ms) {
    auto* self = static_cast<RecordingHost*>(ctx);
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->throttled_.push_back(retry_after_ms);
    self->buckets_.emplace_back(bucket);
}

void RecordingHost::offer_answered() {
    host_.answered = &RecordingHost::on_answered;
}

void RecordingHost::shrink_to_pre_answered_size() {
    offer_answered();
    host_.size = static_cast<uint32_t>(offsetof(taskhost_host, answered));
}

void RecordingHost::on_answered(void* ctx, const char* route, int status) {
    auto* self = static_cast<RecordingHost*>(ctx);
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->answers_.push_back(std::string(route) + " " + std::to_string(status));
}

std::vector<std::string> RecordingHost::answers() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return answers_;
}

std::vector<std::string> RecordingHost::emits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return emits_;
}

std::vector<std::string> RecordingHost::logs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return logs_;
}

std::vector<uint32_t> RecordingHost::throttled_ms() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return throttled_;
}

std::vector<std::string> RecordingHost::buckets() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return buckets_;
}

std::string resend_spec(const sandbox::SandboxServer& server, const SpecOptions& options) {
    using Poco::JSON::Array;
    using Poco::JSON::Object;
    Object::Ptr params = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (options.domain_id) {
        params->set("domain_id", *options.domain_id);
    }
    if (options.domain) {
        params->set("domain", *options.domain);
    }
    if (options.name_scope) {
        params->set("name_scope", *options.name_scope);
    }
    if (options.locale) {
        params->set("locale", *options.locale);
    }
    if (options.emails) {
        Array::Ptr emails = new Array;
        for (const std::string& address : *options.emails) {
            emails->add(address);
        }
        params->set("email_array", emails);
    }
    if (options.check_recipients) {
        params->set("check_recipients", *options.check_recipients);
    }
    if (options.revalidate_within) {
        params->set("revalidate_within", *options.revalidate_within);
    }
    if (options.skip_if_validated) {
        params->set("skip_if_validated", *options.skip_if_validated);
    }
    if (options.strict_recipients) {
        params->set("strict_recipients", *options.strict_recipients);
    }
    Object::Ptr retry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    retry->set("max_attempts", options.max_attempts);
    retry->set("initial_delay_ms", options.initial_delay_ms);
    retry->set("max_delay_ms", options.max_delay_ms);
    retry->set("deadline_ms", options.deadline_ms);
    if (options.in_doubt_retries) {
        retry->set("in_doubt_retries", *options.in_doubt_retries);
    }
    Object::Ptr connection = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    connection->set("base_url", server.base_url());
    if (options.key) {
        connection->set("api_key", *options.key);
    }
    connection->set("ca_file", server.ca_file());
    connection->set("timeout_ms", options.timeout_ms);
    connection->set("retry", retry);
    Object::Ptr spec = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    spec->set("task", "digicert.dcv.resend");
    if (options.id) {
        spec->set("id", *options.id);
    }
    spec->set("dry_run", options.dry_run);
    spec->set("params", params);
    spec->set("connection", connection);
    std::ostringstream out;
    spec->stringify(out);
    return out.str();
}

Execution execute(const std::string& spec, RecordingHost& host) {
    return execute_with(LoadedPlugin::instance().execute, spec, host);
}

Execution execute_with(taskhost_plugin_execute_fn plugin_execute, const std::string& spec,
                       RecordingHost& host) {
    Execution execution;
    const std::size_t before = host.emits().size();
    execution.rc = plugin_execute(spec.c_str(), host.abi());
    const std::vector<std::string> emits = host.emits();
    execution.emit_count = static_cast<int>(emits.size() - before);
    if (execution.emit_count >= 1) {
        execution.raw = emits.back();
        Poco::JSON::Parser parser;
        execution.outcome = parser.parse(execution.raw).extract<Poco::JSON::Object::Ptr>();
    }
    return execution;
}

sandbox::SandboxOptions sandbox_options(sandbox::TlsIdentity identity) {
    sandbox::SandboxOptions options;
    options.identity = identity;
    options.domains = sandbox::load_domain_fixture(DIGICERT_SANDBOX_FIXTURE);
    options.keys = {{kCanaryKey, "manager"}, {kViewOnlyKey, "view_only"}};
    for (int i = 0; i < 16; ++i) {
        options.keys.push_back({"PACING-KEY-" + std::to_string(i), "manager"});
    }
    options.short_window = {1000000, std::chrono::seconds(5)};
    options.long_window = {1000000, std::chrono::minutes(3)};
    return options;
}

std::string status_of(const Execution& e) {
    return e.outcome ? e.outcome->optValue<std::string>("status", "") : "";
}

std::string error_kind_of(const Execution& e) {
    if (!e.outcome || !e.outcome->has("error")) {
        return "";
    }
    return e.outcome->getObject("error")->optValue<std::string>("kind", "");
}

int attempts_of(const Execution& e) {
    return e.outcome ? e.outcome->optValue<int>("attempts", -1) : -1;
}

bool in_doubt_of(const Execution& e) {
    return e.outcome && e.outcome->optValue<bool>("in_doubt", false);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

int records_holding(const RecordingHost& host, const std::string& text) {
    int holding = 0;
    for (const std::string& outcome : host.emits()) {
        holding += contains(outcome, text) ? 1 : 0;
    }
    for (const std::string& line : host.logs()) {
        holding += contains(line, text) ? 1 : 0;
    }
    return holding;
}

}  // namespace dcv_plugin_test
