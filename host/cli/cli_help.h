// What `--help` says for each command. Kept apart so the texts are easy to review together; the
// usage line and the flags part come from each command's flag table (cli_args.h,
// manifest_args.h), next to the flags.
#pragma once

#include <string>

namespace taskhost {

std::string main_help();
std::string run_help();
std::string plugins_help();
std::string help_help();
std::string plan_help();
std::string apply_help();
std::string serve_help();
std::string reload_help();
std::string version_text();

}  // namespace taskhost
