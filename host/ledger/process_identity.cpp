#include "ledger/process_identity.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

namespace taskhost {
namespace {

// Field 22 of /proc/PID/stat, after the command name (which may hold spaces and parentheses).
std::string start_time_of(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) {
        return "";
    }
    const size_t close = line.rfind(')');
    if (close == std::string::npos) {
        return "";
    }
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    if (!(fields >> field) || field == "Z" || field == "X") {
        return "";  // a zombie (killed, not yet reaped) sends nothing any more
    }
    for (int index = 4; index <= 22 && (fields >> field); ++index) {
        if (index == 22) {
            return field;
        }
    }
    return "";
}

}  // namespace

const char* task_source_name(TaskSource source) {
    switch (source) {
        case TaskSource::kRun:
            return "run";
        case TaskSource::kApi:
            return "api";
        case TaskSource::kPlan:
            return "plan";
        case TaskSource::kApply:
            return "apply";
        case TaskSource::kWatch:
            return "watch";
    }
    return "run";
}

std::string this_host_name() {
    char name[256] = {0};
    if (::gethostname(name, sizeof name - 1) != 0) {
        return "localhost";
    }
    return name;
}

std::string this_process_owner() {
    // Read once per process (it is asked for on every task); a fork gets its own pid, so the
    // cache is keyed by it.
    static std::mutex mutex;
    static long cached_pid = -1;
    static std::string cached;
    const long pid = static_cast<long>(::getpid());
    std::lock_guard<std::mutex> lock(mutex);
    if (pid != cached_pid) {
        cached = this_host_name() + "/" + std::to_string(pid) + "/" + start_time_of(pid);
        cached_pid = pid;
    }
    return cached;
}

bool owner_alive(const JournalEntry& entry, WallClock::time_point now) {
    if (entry.lease_until && now >= *entry.lease_until) {
        return false;
    }
    const std::string& owner = entry.sending_owner;
    const size_t first = owner.find('/');
    const size_t second = owner.find('/', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos) {
        return false;  // no owner recorded (an old journal): nobody is sending it
    }
    if (owner.substr(0, first) != this_host_name()) {
        return true;
    }
    long pid = 0;
    try {
        pid = std::stol(owner.substr(first + 1, second - first - 1));
    } catch (...) {
        return false;
    }
    const std::string start = start_time_of(pid);
    return !start.empty() && start == owner.substr(second + 1);
}

Caller this_process_caller(TaskSource source, const std::string& task_id) {
    Caller caller;
    caller.source = source;
    caller.owner = this_process_owner();
    caller.host = caller.owner.substr(0, caller.owner.find('/'));
    caller.uid = static_cast<int64_t>(::getuid());
    caller.pid = static_cast<int64_t>(::getpid());
    caller.task_id = task_id;
    return caller;
}

}  // namespace taskhost
