#include "dcv_sandbox_support.h"

#include <utility>

namespace taskhost_test {

sandbox::SandboxDomain sandbox_domain(int64_t id, const std::string& name) {
    sandbox::SandboxDomain domain;
    domain.id = id;
    domain.name = name;
    return domain;
}

std::vector<sandbox::SandboxDomain> numbered_domains(int64_t first_id, int count) {
    std::vector<sandbox::SandboxDomain> domains;
    for (int i = 0; i < count; ++i) {
        domains.push_back(sandbox_domain(first_id + i, "d" + std::to_string(i) + ".example.com"));
    }
    return domains;
}

sandbox::SandboxOptions sandbox_options(std::vector<sandbox::SandboxDomain> domains,
                                        const std::string& key) {
    sandbox::SandboxOptions options;
    options.domains = std::move(domains);
    options.keys.push_back(sandbox::SandboxKey{key, "manager"});
    return options;
}

void install_dcv_plugin(const std::string& plugin_dir) {
    write_file(plugin_dir + "/digicert_dcv.so", read_file(DIGICERT_DCV_PLUGIN), 0755);
}

sandbox::FaultRule every_resend(sandbox::FaultRule::Action action,
                                std::chrono::milliseconds delay) {
    sandbox::FaultRule rule;
    rule.method = "PUT";
    rule.path_suffix = "/dcv/emails";
    rule.action = action;
    rule.delay = delay;
    rule.count = -1;
    return rule;
}

std::string slow_send_accounts(const sandbox::SandboxServer& server) {
    return sandbox_accounts(
        server, "TASKHOST_TEST_KEY",
        R"("timeout_ms": 30000, "retry": {"max_attempts": 1, "deadline_ms": 60000})");
}

std::string sandbox_accounts(const sandbox::SandboxServer& server, const std::string& key_env,
                             const std::string& extra_fields, const std::string& name) {
    return "{\"" + name + "\": {\"base_url\": \"" + server.base_url() + "\", \"ca_file\": \"" +
           server.ca_file() + "\", \"api_key_env\": \"" + key_env + "\"" +
           (extra_fields.empty() ? "" : ", " + extra_fields) + "}}";
}

void DcvSandboxHostTest::SetUp() {
    server_ = std::make_unique<sandbox::SandboxServer>(
        sandbox_options(sandbox::load_domain_fixture(DIGICERT_SANDBOX_FIXTURE)));
    install_dcv_plugin(host_.plugin_dir());
}

}  // namespace taskhost_test
