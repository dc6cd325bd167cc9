// `taskhost history` (who sent what, when: from the ledger, or from the daemon with --socket)
// and `taskhost ledger migrate` (create or upgrade the ledger's schema; import the old journal).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace taskhost {

int history_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int ledger_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string history_help();
std::string ledger_help();

class FlagSyntaxTable;
// Their flag tables, for the tests that check every command's help against its flags.
const FlagSyntaxTable& history_flag_syntax();
const FlagSyntaxTable& ledger_flag_syntax();

}  // namespace taskhost
