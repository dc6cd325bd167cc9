// What `--help` says for each command. Kept apart so the texts are easy to review together.
#pragma once

#include <string>

namespace taskhost {

std::string main_help();
std::string run_help();
std::string plugins_help();
std::string help_help();
std::string serve_help();
std::string reload_help();
std::string version_text();

}  // namespace taskhost
