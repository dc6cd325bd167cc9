// The taskhost command line: picks the subcommand. main() only installs the signal handlers
// and calls this, so tests can drive every command in-process too.
#pragma once

#include <iosfwd>

namespace taskhost {

int taskhost_main(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                  std::ostream& err);

}  // namespace taskhost
