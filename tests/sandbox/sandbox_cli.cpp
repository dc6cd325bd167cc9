#include "sandbox_cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "domain_fixture.h"
#include "generated_domains.h"

namespace sandbox {
namespace {

constexpr size_t kMaxKeyFileBytes = 4096;

long long parse_integer(const std::string& text, long long min, long long max,
                        const std::string& flag, const std::string& example) {
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || value < min || value > max) {
        throw CliError(flag + ": '" + text + "' is not a whole number from " + std::to_string(min) +
                       " to " + std::to_string(max) + " (e.g. " + example + ")");
    }
    return value;
}

// "N/SECONDS", e.g. "100/5" or "5/0.5".
RateWindow parse_window(const std::string& text, const std::string& flag) {
    const size_t slash = text.find('/');
    const std::string fix = "; write N/SECONDS, e.g. 100/5 (N 0 turns the window off)";
    if (slash == std::string::npos) {
        throw CliError(flag + ": '" + text + "' has no '/'" + fix);
    }
    RateWindow window;
    window.requests =
        static_cast<int>(parse_integer(text.substr(0, slash), 0, 1000000, flag, "100/5"));
    const std::string seconds_text = text.substr(slash + 1);
    char* end = nullptr;
    const double seconds = std::strtod(seconds_text.c_str(), &end);
    if (seconds_text.empty() || *end != '\0' || !(seconds > 0) || seconds > 86400) {
        throw CliError(flag + ": '" + seconds_text + "' is not a number of seconds in (0, 86400]" +
                       fix);
    }
    window.per = std::chrono::milliseconds(std::max(1LL, std::llround(seconds * 1000)));
    return window;
}

TlsIdentity parse_identity(const std::string& text) {
    if (text == "trusted") {
        return TlsIdentity::kTrusted;
    }
    if (text == "wrong-host") {
        return TlsIdentity::kWrongHost;
    }
    if (text == "self-signed") {
        return TlsIdentity::kSelfSigned;
    }
    throw CliError("--identity: '" + text + "' is not one of trusted, wrong-host, self-signed");
}

// "constructed,dns_txt", "constructed", "dns_txt" or "none": which kinds the account mails.
DcvEmailPreferences parse_email_preferences(const std::string& text) {
    const std::string flag = "--dcv-email-preferences";
    DcvEmailPreferences preferences{false, false};
    if (text == "none") {
        return preferences;
    }
    for (size_t start = 0; start <= text.size();) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        if (item == "constructed") {
            preferences.constructed = true;
        } else if (item == "dns_txt") {
            preferences.dns_txt = true;
        } else {
            throw CliError(flag + ": '" + item +
                           "' is not constructed or dns_txt; write e.g. constructed,dns_txt "
                           "or none");
        }
        start = comma + 1;
    }
    return preferences;
}

// The flags of issue 10 (the account's domains and settings). false: not one of them.
bool parse_account_flag(const std::string& flag, const std::function<std::string()>& value,
                        SandboxCliOptions& cli) {
    if (flag == "--generate-domains") {
        cli.generate_domains = static_cast<size_t>(
            parse_integer(value(), 1, static_cast<long long>(kMaxGeneratedDomains), flag, "2500"));
        return true;
    }
    if (flag == "--dcv-email-preferences") {
        cli.dcv_email_preferences = parse_email_preferences(value());
        return true;
    }
    return false;
}

// The fixture's domains and account settings, with the flags' additions and overrides.
void load_account(const SandboxCliOptions& cli, SandboxOptions& options) {
    const auto start = std::chrono::system_clock::now();
    options.start_time = start;
    SandboxFixture fixture;
    try {
        fixture = load_sandbox_fixture(cli.fixture, start);
        if (cli.generate_domains) {
            if (fixture.generate) {
                throw CliError(
                    "--generate-domains: the fixture already has \"generate\"; use one of them");
            }
            DomainGenerator generator;
            generator.count = *cli.generate_domains;
            add_generated_domains(fixture.domains, generator, start);
        }
    } catch (const std::invalid_argument& error) {
        throw CliError(std::string("--generate-domains: ") + error.what());
    } catch (const CliError&) {
        throw;
    } catch (const std::runtime_error& error) {
        throw CliError(std::string("--fixture: ") + error.what());
    }
    options.domains = std::move(fixture.domains);
    options.dcv_email_preferences = cli.dcv_email_preferences.value_or(
        fixture.dcv_email_preferences.value_or(DcvEmailPreferences{}));
}

bool is_env_name(const std::string& name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
        return false;
    }
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return false;
        }
    }
    return true;
}

bool is_key_token(const std::string& key) {
    if (key.empty()) {
        return false;
    }
    for (char c : key) {
        if (c <= ' ' || c > '~') {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string cli_usage() {
    return "usage: digicert-sandbox --fixture FILE [--state-dir DIR] [--port N] [--bind ADDR]\n"
           "         (--api-key-file FILE | --api-key-env NAME) [--view-only-key-file FILE]\n"
           "         [--short-window N/SECONDS] [--long-window N/SECONDS] [--lockout-ms N]\n"
           "         [--retry-after SECONDS] [--identity trusted|wrong-host|self-signed]\n"
           "         [--generate-domains N] [--dcv-email-preferences constructed,dns_txt|none]\n"
           "\n"
           "An HTTPS server on loopback that behaves like DigiCert CertCentral's Services API v2\n"
           "for DCV email resends. It makes a fresh CA and server certificate at start, writes\n"
           "ca.pem into the state dir (a temporary one when not given), and prints one JSON line\n"
           "when ready: {\"event\":\"ready\",\"base_url\":...,\"ca_file\":...,\"port\":...},\n"
           "then one {\"event\":\"resend_accepted\",...} line per accepted resend, and on\n"
           "SIGUSR1 and at exit {\"event\":\"counters\",\"requests\":N,\"resends_accepted\":N,\n"
           "\"rate_limited\":N,\"connections\":N} (connections: TLS handshakes, since start).\n"
           "\n"
           "The API key it accepts comes from a file only its owner can read (chmod 600) or an\n"
           "environment variable, never from the command line. Defaults follow DigiCert:\n"
           "--short-window 100/5 --long-window 1000/180 --lockout-ms 5000, no Retry-After.\n"
           "--generate-domains N adds N domains d00000.fleet.example... with ids from 5000000 in\n"
           "a fixed mix of DCV states (see generated_domains.h). --dcv-email-preferences sets the\n"
           "account's \"Send Verification DCV Emails to\" (default: both; the shape is a guess).\n"
           "SIGTERM or SIGINT stops it cleanly (exit 0). Usage errors exit 2.\n";
}

SandboxCliOptions parse_cli(const std::vector<std::string>& args) {
    SandboxCliOptions cli;
    std::map<std::string, std::string*> strings = {
        {"--fixture", &cli.fixture},         {"--state-dir", &cli.state_dir},
        {"--bind", &cli.bind_host},          {"--api-key-file", &cli.api_key_file},
        {"--api-key-env", &cli.api_key_env}, {"--view-only-key-file", &cli.view_only_key_file},
    };
    for (size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::optional<std::string> inline_value;
        if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        if (flag == "--help" || flag == "-h") {
            cli.help = true;
            continue;
        }
        if (flag == "--api-key" || flag == "--key") {
            throw CliError(flag +
                           ": an API key is never taken from the command line; use "
                           "--api-key-file FILE (chmod 600) or --api-key-env NAME");
        }
        auto value = [&]() -> std::string {
            if (inline_value) {
                return *inline_value;
            }
            if (i + 1 >= args.size()) {
                throw CliError(flag + ": needs a value (see --help)");
            }
            return args[++i];
        };
        if (auto it = strings.find(flag); it != strings.end()) {
            *it->second = value();
            if (it->second->empty()) {
                throw CliError(flag + ": the value is empty");
            }
        } else if (flag == "--port") {
            cli.port = static_cast<uint16_t>(parse_integer(value(), 0, 65535, flag, "8443"));
        } else if (flag == "--short-window") {
            cli.short_window = parse_window(value(), flag);
        } else if (flag == "--long-window") {
            cli.long_window = parse_window(value(), flag);
        } else if (flag == "--lockout-ms") {
            cli.lockout =
                std::chrono::milliseconds(parse_integer(value(), 0, 86400000, flag, "5000"));
        } else if (flag == "--retry-after") {
            cli.retry_after_seconds = static_cast<int>(parse_integer(value(), 0, 86400, flag, "5"));
        } else if (flag == "--identity") {
            cli.identity = parse_identity(value());
        } else if (!parse_account_flag(flag, value, cli)) {
            throw CliError(flag + ": unknown flag (see --help)");
        }
    }
    if (cli.help) {
        return cli;
    }
    if (cli.fixture.empty()) {
        throw CliError(
            "--fixture: required; pass a domains JSON file such as "
            "tests/sandbox/fixtures/domains.json");
    }
    if (cli.api_key_file.empty() == cli.api_key_env.empty()) {
        throw CliError(
            "--api-key-file/--api-key-env: give exactly one, the source of the API "
            "key the sandbox accepts");
    }
    if (!cli.api_key_env.empty() && !is_env_name(cli.api_key_env)) {
        throw CliError("--api-key-env: '" + cli.api_key_env +
                       "' is not an environment variable name (letters, digits, _)");
    }
    return cli;
}

std::string read_key_file(const std::string& path, const std::string& flag) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        throw CliError(flag + ": cannot open " + path + ": " + std::strerror(errno));
    }
    struct stat info {};
    std::string text;
    std::string problem;
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        problem = "is not a regular file";
    } else if ((info.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        problem = "may be read by others (mode " + std::string(mode) + "); run chmod 600 " + path;
    } else if (info.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
        problem = "is larger than " + std::to_string(kMaxKeyFileBytes) + " bytes";
    } else {
        char buffer[kMaxKeyFileBytes];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            problem = std::string("cannot be read: ") + std::strerror(errno);
        } else {
            text.assign(buffer, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    if (!problem.empty()) {
        throw CliError(flag + ": " + path + " " + problem);
    }
    const size_t first = text.find_first_not_of(" \t\r\n");
    const size_t last = text.find_last_not_of(" \t\r\n");
    const std::string key = first == std::string::npos ? "" : text.substr(first, last - first + 1);
    if (!is_key_token(key)) {
        // Say what is wrong without echoing what the file holds.
        throw CliError(flag + ": " + path +
                       " must hold one API key: printable characters, no spaces");
    }
    return key;
}

SandboxOptions to_sandbox_options(const SandboxCliOptions& cli,
                                  const std::function<const char*(const char*)>& getenv) {
    SandboxOptions options;
    load_account(cli, options);
    std::string key;
    if (!cli.api_key_file.empty()) {
        key = read_key_file(cli.api_key_file, "--api-key-file");
    } else {
        const char* value = getenv(cli.api_key_env.c_str());
        key = value ? value : "";
        if (!is_key_token(key)) {
            throw CliError("--api-key-env: " + cli.api_key_env +
                           " is unset, empty, or holds spaces or control characters");
        }
    }
    options.keys.push_back(SandboxKey{key, "manager"});
    if (!cli.view_only_key_file.empty()) {
        const std::string view_only = read_key_file(cli.view_only_key_file, "--view-only-key-file");
        if (view_only == key) {
            throw CliError(
                "--view-only-key-file: holds the same key as the manager key; give "
                "the view-only role its own key");
        }
        options.keys.push_back(SandboxKey{view_only, "view_only"});
    }
    options.bind_host = cli.bind_host;
    options.port = cli.port;
    options.state_dir = cli.state_dir;
    options.identity = cli.identity;
    if (cli.short_window) {
        options.short_window = *cli.short_window;
    }
    if (cli.long_window) {
        options.long_window = *cli.long_window;
    }
    if (cli.lockout) {
        options.lockout = *cli.lockout;
    }
    options.retry_after_seconds = cli.retry_after_seconds;
    return options;
}

}  // namespace sandbox
