// taskhost: runs plugin tasks as configured accounts. See cli.h; this only wires the process.
#include <iostream>

#include "cli/cli.h"
#include "util/cancellation.h"

int main(int argc, char** argv) {
    taskhost::install_cancellation_signals();
    return taskhost::taskhost_main(argc, argv, std::cin, std::cout, std::cerr);
}
