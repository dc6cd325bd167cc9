// One run of the probe program as a child process: started with posix_spawn (safe in a
// multi-threaded host, unlike fork), in a process group of its own, with an empty environment
// (LD_LIBRARY_PATH excepted), stdin /dev/null, stdout a pipe, no other descriptor and every
// signal at its default; read until it ends, the time limit, cancellation or too much output;
// then its whole process group is killed and the child reaped, on every path.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "util/cancellation.h"

namespace taskhost {

struct ProbeRun {
    std::optional<std::string> start_error;  // the program could not be started (strerror)
    bool late = false;                       // killed at the time limit
    bool cancelled = false;                  // killed because `cancel` was requested
    bool overflowed = false;                 // killed for writing more than the bound
    int status = 0;                          // its waitpid status otherwise
    std::string output;                      // what it wrote on stdout
    std::chrono::microseconds took{0};
};

ProbeRun run_probe(const std::string& program, const std::string& file,
                   std::chrono::milliseconds limit, const CancelToken& cancel, size_t max_output);

// The pieces, for the warm probe (plugin_probe_warm.h) too.
// Starts `args` (args[0] the program) as run_probe starts the probe, `stdout_fd` its stdout: the
// child's pid, or -1 with `error` set.
pid_t spawn_probe_process(std::vector<std::string> args, int stdout_fd, std::string& error);

enum class ProbeEnding { kEof, kLate, kCancelled, kOverflow };
// Reads `fd` until EOF, the deadline, cancellation or more than `max` bytes.
ProbeEnding read_probe_output(int fd, std::chrono::steady_clock::time_point deadline,
                              const CancelToken& cancel, size_t max, std::string& output);

// Kills the child's process group (anything the plugin started too) while the child, alive or
// a zombie, still holds its id, then reaps the child: its waitpid status.
int end_and_reap(pid_t pid);

}  // namespace taskhost
