// The digicert-sandbox command line: flags in, SandboxOptions out. The API key never comes
// from argv: only from a mode-0600 file or an environment variable.
#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sandbox_server.h"

namespace sandbox {

// A usage error; what() names the flag and the fix. The CLI exits 2 on it.
class CliError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct SandboxCliOptions {
    bool help = false;
    std::string fixture;
    std::string state_dir;
    uint16_t port = 0;
    std::string bind_host = "127.0.0.1";
    std::string api_key_file;
    std::string api_key_env;
    std::string view_only_key_file;
    std::optional<RateWindow> short_window;
    std::optional<RateWindow> long_window;
    std::optional<std::chrono::milliseconds> lockout;
    std::optional<int> retry_after_seconds;
    TlsIdentity identity = TlsIdentity::kTrusted;
    // --generate-domains N: N more domains, as a fixture's "generate" with its defaults.
    std::optional<size_t> generate_domains;
    // --dcv-email-preferences LIST: overrides the fixture's account.dcv_email_preferences.
    std::optional<DcvEmailPreferences> dcv_email_preferences;
};

std::string cli_usage();

// args excludes argv[0]. Throws CliError.
SandboxCliOptions parse_cli(const std::vector<std::string>& args);

// Reads a key file: a regular file no one but its owner may read (0600 or stricter), at most
// 4 KiB, one printable token (surrounding whitespace ignored). Throws CliError naming `flag`.
std::string read_key_file(const std::string& path, const std::string& flag);

// Loads the fixture and the keys the flags point to. `getenv` is injectable for tests.
// Throws CliError.
SandboxOptions to_sandbox_options(
    const SandboxCliOptions& cli, const std::function<const char*(const char*)>& getenv =
                                      [](const char* name) { return std::getenv(name); });

}  // namespace sandbox
