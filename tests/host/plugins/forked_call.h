// Running a piece of the host in a forked child, so a test survives what the child does not: a
// SIGBUS from dlopen of a broken file, or an open() that blocks forever on a FIFO.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace taskhost_test {

struct ForkedCall {
    bool finished = false;  // the child ended within the limit (else it was killed)
    int status = 0;         // its waitpid status, when it finished
    std::string output;     // what `body` answered
    std::chrono::milliseconds took{0};

    bool exited_cleanly() const;   // finished, exited (no signal) with status 0
    std::string describe() const;  // "killed by signal 7 (Bus error)", "still running after ..."
};

// Runs `body` in a forked child that sends its answer back and _exits 0; kills the child with
// SIGKILL when it has not ended after `limit`.
ForkedCall call_forked(const std::function<std::string()>& body, std::chrono::milliseconds limit);

}  // namespace taskhost_test
