// The process that holds an intent, named so that another process can tell whether it still
// lives: "HOST/PID/START" (START: the process's start time in clock ticks since boot, so a pid
// reused by a later process does not pass for the old one).
#pragma once

#include <string>

#include "ledger/ledger_records.h"

namespace taskhost {

std::string this_host_name();
// "HOST/PID/START" of the calling process.
std::string this_process_owner();

// On this host: whether that process still runs (its pid with the same start time). On another
// host: unknown here, so alive until the intent's lease ends.
bool owner_alive(const JournalEntry& entry, WallClock::time_point now);

// A Caller for this process with `source`; the daemon replaces uid/pid with its client's.
Caller this_process_caller(TaskSource source, const std::string& task_id);

}  // namespace taskhost
