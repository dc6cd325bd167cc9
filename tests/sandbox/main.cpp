// digicert-sandbox: the CertCentral sandbox as a process, for the quick-start demo and manual
// runs. stdout carries only JSON lines (ready, then one per accepted resend, and a counters line
// on SIGUSR1 and at exit); errors go to stderr. It never prints an API key.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <sstream>

#include "sandbox_cli.h"
#include "sandbox_server.h"

namespace {

std::mutex stdout_mutex;

void print_line(const Poco::JSON::Object& event) {
    std::ostringstream line;
    event.stringify(line);
    line << '\n';
    const std::string text = line.str();
    std::lock_guard<std::mutex> lock(stdout_mutex);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);  // a parent reading a pipe sees each event as it happens
}

Poco::JSON::Array::Ptr to_array(const std::vector<std::string>& values) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const std::string& value : values) {
        array->add(value);
    }
    return array;
}

void print_resend(const sandbox::AcceptedResend& resend) {
    Poco::JSON::Object event(Poco::JSON_PRESERVE_KEY_ORDER);
    event.set("event", "resend_accepted");
    event.set("domain_id", resend.domain_id);
    event.set("name_scope", resend.name_scope);
    event.set("requested", to_array(resend.requested));
    event.set("mailed", to_array(resend.mailed));
    print_line(event);
}

// {"event":"counters",...}: totals since start, for benchmarks (handshakes per task).
void print_counters(const sandbox::SandboxServer& server) {
    const sandbox::SandboxCounters counters = server.counters();
    Poco::JSON::Object event(Poco::JSON_PRESERVE_KEY_ORDER);
    event.set("event", "counters");
    event.set("requests", counters.requests);
    event.set("resends_accepted", counters.resends);
    event.set("rate_limited", counters.rate_limited);
    event.set("connections", counters.connections);
    print_line(event);
}

}  // namespace

int main(int argc, char** argv) {
    // Blocked before any thread exists, so every server thread inherits the mask and the
    // signals reach only sigwait below.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGUSR1);  // not a stop: prints the counters
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    sandbox::SandboxOptions options;
    try {
        const sandbox::SandboxCliOptions cli =
            sandbox::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
        if (cli.help) {
            std::cout << sandbox::cli_usage();
            return 0;
        }
        options = sandbox::to_sandbox_options(cli);
    } catch (const sandbox::CliError& error) {
        std::cerr << "digicert-sandbox: " << error.what() << "\n";
        return 2;
    }
    options.on_resend = print_resend;

    try {
        sandbox::SandboxServer server(std::move(options));
        Poco::JSON::Object ready(Poco::JSON_PRESERVE_KEY_ORDER);
        ready.set("event", "ready");
        ready.set("base_url", server.base_url());
        ready.set("ca_file", server.ca_file());
        ready.set("port", server.port());
        print_line(ready);

        int received = 0;
        while (sigwait(&stop_signals, &received) == 0 && received == SIGUSR1) {
            print_counters(server);
        }
        print_counters(server);
        // ~SandboxServer stops accepting, ends every connection and joins its threads.
    } catch (const std::exception& error) {
        std::cerr << "digicert-sandbox: cannot start: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
