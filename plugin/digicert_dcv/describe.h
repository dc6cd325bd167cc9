// The plugin's static self-description for plugin_describe: ABI version, tasks (the JSON
// Schema of params, dry-run support, sensitive params and DigiCert's rate limits) and the JSON
// Schema of an account's connection settings, which the host validates without knowing them.
#pragma once

namespace digicert_dcv {

inline constexpr const char* kPluginName = "digicert_dcv";
inline constexpr const char* kPluginVersion = "0.1.0";

// Built once (thread-safe), valid for as long as the library stays loaded.
const char* describe_json();

}  // namespace digicert_dcv
