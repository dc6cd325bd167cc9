// The floor of a Poco client: the DCV resend PUT through Poco's HTTPSClientSession, as the plugin
// makes it, and nothing else (no config, plugin, ledger or JSON). tests/bench/speed_bench.sh runs
// it three ways:
// - once per process, beside `taskhost run` cold: its wall and peak RSS are what any program
//   built on Debian's Poco and OpenSSL pays for one call, so they bound what the cold run can
//   reach;
// - in a loop on kept-alive sessions from as many threads as apply's concurrency, beside
//   `taskhost apply`: what Poco and the sandbox allow per second on this machine, so that what
//   apply is below it is apply's own cost (its ledger, its JSON, its plugin calls);
// - once per process with `--plugin SO --intent FILE`: first what any taskhost must also do
//   before that call, at the least: dlopen the plugin (RTLD_NOW, as the host loads it, and the
//   libraries it brings) and call its plugin_describe, and write one durable record (one append
//   and fdatasync, the ledger's intent before the send); after it, one record more, not synced
//   (the completion). No copy, probe, config, JSON or SQLite: a floor under the cold run that
//   keeps the mission's plugin and the ledger's promise.
//
// usage: poco_put_floor BASE_URL CA_FILE KEY_FILE DOMAIN_ID NAME [--plugin SO --intent FILE]
//        poco_put_floor --loop TASKS THREADS DOMAINS BASE_URL CA_FILE KEY_FILE FIRST_ID
// The key is read from the file, never from the command line. One call: exit 0 when the answer
// is 204. The loop: task i resends FIRST_ID + i % DOMAINS, named d<i % DOMAINS>.bench.example;
// prints "sent=S tasks=N wall_s=W" and exits 0 when every answer was 204.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "resend_put.h"

namespace {

struct Target {
    Poco::URI base;
    Poco::Net::Context::Ptr context;
    std::string key;
};

Target target_of(const char* base_url, const char* ca_file, const char* key_file) {
    Target target;
    target.base = Poco::URI(base_url);
    target.context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                                            Poco::Net::Context::VERIFY_RELAXED);
    std::ifstream(key_file) >> target.key;
    return target;
}

// One PUT on `session` (kept alive between calls); the answer's status.
int put(Poco::Net::HTTPSClientSession& session, const Target& target, const std::string& id,
        const std::string& name) {
    return bench::put_resend(session, target.base.getPath(), target.key, id, name);
}

int loop(int tasks, int threads, int domains, const Target& target, long first_id) {
    std::atomic<int> next{0};
    std::atomic<int> sent{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            try {
                Poco::Net::HTTPSClientSession session(target.base.getHost(), target.base.getPort(),
                                                      target.context);
                session.setKeepAlive(true);
                for (int i = next++; i < tasks; i = next++) {
                    const int domain = i % domains;
                    if (put(session, target, std::to_string(first_id + domain),
                            "d" + std::to_string(domain) + ".bench.example") == 204) {
                        ++sent;
                    }
                }
            } catch (const std::exception& error) {
                std::cerr << "poco_put_floor: " << error.what() << "\n";
            }
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("sent=%d tasks=%d wall_s=%.3f\n", sent.load(), tasks, wall);
    return sent == tasks ? 0 : 1;
}

// What --plugin SO --intent FILE adds around the call; false when a step failed.
bool load_plugin(const char* path) {
    void* handle = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        std::cerr << "poco_put_floor: " << ::dlerror() << "\n";
        return false;
    }
    using Describe = const char* (*)();
    const auto describe = reinterpret_cast<Describe>(::dlsym(handle, "plugin_describe"));
    return describe != nullptr && describe() != nullptr;
}

bool append_record(int fd, const std::string& record, bool durable) {
    return ::write(fd, record.data(), record.size()) == static_cast<ssize_t>(record.size()) &&
           (!durable || ::fdatasync(fd) == 0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 9 && std::string(argv[1]) == "--loop") {
        const int tasks = std::stoi(argv[2]);
        const int threads = std::stoi(argv[3]);
        const int domains = std::stoi(argv[4]);
        if (tasks < 1 || threads < 1 || domains < 1) {
            std::cerr << "poco_put_floor: TASKS, THREADS and DOMAINS must be at least 1\n";
            return 2;
        }
        return loop(tasks, threads, domains, target_of(argv[5], argv[6], argv[7]),
                    std::stol(argv[8]));
    }
    const bool with_host_parts =
        argc == 10 && std::string(argv[6]) == "--plugin" && std::string(argv[8]) == "--intent";
    if (argc != 6 && !with_host_parts) {
        std::cerr << "usage: poco_put_floor BASE_URL CA_FILE KEY_FILE DOMAIN_ID NAME "
                     "[--plugin SO --intent FILE]\n"
                     "       poco_put_floor --loop TASKS THREADS DOMAINS BASE_URL CA_FILE KEY_FILE "
                     "FIRST_ID\n";
        return 2;
    }
    int intent = -1;
    if (with_host_parts) {
        intent = ::open(argv[9], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (intent < 0 || !load_plugin(argv[7]) ||
            !append_record(intent, std::string("intent ") + argv[4] + "\n", true)) {
            std::cerr << "poco_put_floor: the plugin or the intent failed\n";
            return 1;
        }
    }
    const Target target = target_of(argv[1], argv[2], argv[3]);
    Poco::Net::HTTPSClientSession session(target.base.getHost(), target.base.getPort(),
                                          target.context);
    const int status = put(session, target, argv[4], argv[5]);
    if (intent >= 0 && !append_record(intent, std::string("done ") + argv[4] + "\n", false)) {
        return 1;
    }
    std::cout << status << "\n";
    return status == Poco::Net::HTTPResponse::HTTP_NO_CONTENT ? 0 : 1;
}
