// taskhost: runs plugin tasks as configured accounts. See cli.h; this only wires the process.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "util/cancellation.h"

int main(int argc, char** argv) {
    taskhost::install_cancellation_signals();
    const int code = taskhost::taskhost_main(argc, argv, std::cin, std::cout, std::cerr);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return code;  // the sanitizers report leaks and races from their exit handlers
#else
    // Every command has closed what it owns by now (its ledger, sockets, private directory).
    // What exit() would add is the finalizers of the libraries and of the plugins that stay
    // mapped (plugins/plugin_library.h): they free memory, which the process's end does at
    // once. Skipping them is about 2 ms of a cold `taskhost run` (issue 12).
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(code);
#endif
}
