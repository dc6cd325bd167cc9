// Loading one plugin file into the process, safely:
//  - refuse a file (or its directory) that someone other than this user or root could write;
//  - copy it to a private directory under a unique name and dlopen the copy, because dlopen of
//    a path already loaded returns the old cached handle, and a library overwritten in place
//    while mapped crashes the process;
//  - before that dlopen, probe the copy in a short-lived child with a time limit
//    (plugin_probe.h): a plugin whose load or describe crashes, exits or hangs is refused, and
//    never runs in this process (unless these exact bytes already passed it with this probe and
//    host: probe_verdict_cache.h);
//  - remove the copy's file once opened, resolve both ABI symbols, check describe.
// Each successful load is a PluginGeneration held by shared_ptr: whoever runs a task holds its
// generation until the task ends, and the library is dlclosed when the last holder lets go.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <taskhost/plugin.h>

#include "plugins/plugin_description.h"
#include "plugins/plugin_probe.h"
#include "util/host_error.h"

namespace taskhost {

class PluginGeneration {
  public:
    ~PluginGeneration();  // dlclose, unless its library keeps plugins mapped until exit
    PluginGeneration(const PluginGeneration&) = delete;
    PluginGeneration& operator=(const PluginGeneration&) = delete;

    const std::string& source_path() const { return source_path_; }  // the file in plugin_dir
    const std::string& sha256() const { return sha256_; }            // of the bytes loaded
    std::chrono::system_clock::time_point loaded_at() const { return loaded_at_; }
    const PluginDescription& description() const { return description_; }
    // Which load of its PluginLibrary this is (1, 2, ...): tells reloads apart in answers.
    uint64_t generation() const { return generation_; }
    // The plugin's own name when it gave one, else the file name.
    const std::string& name() const { return description_.name; }

    // plugin_execute; the caller keeps the generation alive for the whole call.
    int execute(const char* task_json, const taskhost_host* host) const;

  private:
    friend class PluginLibrary;
    PluginGeneration() = default;

    void* handle_ = nullptr;
    bool unload_ = true;
    taskhost_plugin_execute_fn execute_ = nullptr;
    std::string source_path_;
    std::string sha256_;
    std::chrono::system_clock::time_point loaded_at_{};
    uint64_t generation_ = 0;
    PluginDescription description_;
};

// Loads plugin files through private copies. One per process is enough; a later daemon keeps
// one for its lifetime and loads each reload as a new generation.
class PluginLibrary {
  public:
    PluginLibrary() = default;  // the default probe: 5000 ms, the program found as documented
    explicit PluginLibrary(PluginProbeOptions probe) : probe_(std::move(probe)) {}
    ~PluginLibrary();  // removes the (by then empty) private directory
    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    // Trust checks on `path` and its directory, private copy, ELF check, probe, dlopen, symbols,
    // describe, ABI. Every refusal names the file, the rule and the fix. When `current` is
    // given and the file (still trusted) holds exactly the bytes `current` was loaded from,
    // `current` is returned and nothing new is loaded or probed: a reload keeps an unchanged
    // plugin's generation.
    // Not thread-safe: one thread loads at a time (the daemon's reloader serialises them).
    Result<std::shared_ptr<const PluginGeneration>> load(
        const std::string& path, std::shared_ptr<const PluginGeneration> current = nullptr);

    // The private directory copies go to ("" until the first load creates it). For tests.
    const std::string& private_dir() const { return private_dir_; }

    // The probe's limit and program (the daemon's plugin_probe_timeout_ms, for one).
    void set_probe_options(PluginProbeOptions probe) { probe_ = std::move(probe); }
    const PluginProbeOptions& probe_options() const { return probe_; }
    // For a process that ends once its command is done (taskhost run, apply, plan): the
    // generations it loads are never dlclosed, so their finalizers and those of the libraries
    // they brought in (Poco's, OpenSSL's) do not run on the way out (cli/main.cpp ends with
    // _exit). They only free memory and close sockets, which the process's end does anyway: about
    // 2 ms of a cold run (issue 12). The daemon unloads each generation when its last task ends.
    void keep_plugins_mapped_until_exit() { unload_ = false; }
    // How long the last probe ran (0 before any): what probing adds to a load.
    std::chrono::microseconds last_probe_time() const { return last_probe_time_; }

  private:
    Result<std::string> ensure_private_dir();
    Check probe_copy(const std::string& copy, const std::string& path,
                     const std::string& copy_sha256);

    PluginProbeOptions probe_;
    std::chrono::microseconds last_probe_time_{0};
    std::string private_dir_;
    unsigned long copies_made_ = 0;
    bool unload_ = true;
};

}  // namespace taskhost
