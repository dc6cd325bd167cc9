#include "plugins/plugin_probe.h"

#include <signal.h>
#include <sys/wait.h>

#include <cstring>
#include <optional>
#include <vector>

#include <taskhost/plugin.h>

#include "plugins/plugin_description.h"
#include "plugins/plugin_probe_program.h"
#include "plugins/plugin_probe_protocol.h"
#include "plugins/plugin_probe_run.h"

namespace taskhost {
namespace {

const std::string kWhat = "plugin file";
// The verdict line and its stage lines come before the describe JSON.
constexpr size_t kMaxOutput = TASKHOST_PROBE_MAX_DESCRIBE_BYTES + 4096;

// What the probe said: the last stage it reached and its verdict, if it gave one.
struct ProbeSaid {
    std::string stage;
    bool described = false;
    std::optional<std::string> refused;  // the kind
    std::string payload;                 // the JSON, or the refusal's text
    std::vector<std::string> libraries;  // what the load brought in ("library PATH")
};

bool starts_at(const std::string& text, size_t at, const char* prefix) {
    return text.compare(at, std::strlen(prefix), prefix) == 0;
}

ProbeSaid parse_output(const std::string& out) {
    ProbeSaid said;
    size_t at = 0;
    while (at < out.size()) {
        if (starts_at(out, at, TASKHOST_PROBE_DESCRIBED)) {
            said.described = true;
            said.payload = out.substr(at + std::strlen(TASKHOST_PROBE_DESCRIBED));
            break;
        }
        const size_t end = out.find('\n', at);
        if (end == std::string::npos) {
            break;
        }
        const std::string line = out.substr(at, end - at);
        at = end + 1;
        if (starts_at(line, 0, TASKHOST_PROBE_STAGE)) {
            said.stage = line.substr(std::strlen(TASKHOST_PROBE_STAGE));
        } else if (starts_at(line, 0, TASKHOST_PROBE_LIBRARY)) {
            said.libraries.push_back(line.substr(std::strlen(TASKHOST_PROBE_LIBRARY)));
        } else if (starts_at(line, 0, TASKHOST_PROBE_REFUSED)) {
            said.refused = line.substr(std::strlen(TASKHOST_PROBE_REFUSED));
            said.payload = out.substr(at);
            break;
        } else {
            break;
        }
    }
    return said;
}

// What was running in the probe when it ended: the subject of the sentence that says so.
std::string doing(const std::string& stage) {
    if (stage == TASKHOST_PROBE_STAGE_DESCRIBE) {
        return "plugin_describe";
    }
    if (stage == TASKHOST_PROBE_STAGE_SYMBOLS) {
        return "looking up its symbols";
    }
    return stage == TASKHOST_PROBE_STAGE_LOAD ? "loading it" : "starting the probe";
}

// "Segmentation fault" (sigdescr_np, unlike strsignal, is safe in a multi-threaded host).
std::string signal_name(int signal) {
    const char* name = ::sigdescr_np(signal);
    return name != nullptr ? name : "unknown signal";
}

std::string by_hand(const std::string& path) {
    return "to watch it happen, run: " TASKHOST_PROBE_PROGRAM " " + path;
}

HostError ended_by_plugin(const std::string& path, const ProbeRun& run, const ProbeSaid& said,
                          std::chrono::milliseconds limit) {
    const std::string where = kWhat + " " + path;
    const std::string fix = "fix or remove the plugin; " + by_hand(path);
    if (run.late) {
        const std::string verb =
            said.stage == TASKHOST_PROBE_STAGE_DESCRIBE ? "did not return" : "did not finish";
        return HostError{where,
                         doing(said.stage) + " " + verb + " within " +
                             std::to_string(limit.count()) + " ms, so the probe was killed",
                         "fix or remove the plugin (loading it and plugin_describe must return "
                         "at once), or raise plugin_probe_timeout_ms if it is only slow; " +
                             by_hand(path)};
    }
    if (WIFSIGNALED(run.status)) {
        const int signal = WTERMSIG(run.status);
        return HostError{where,
                         doing(said.stage) + " crashed the probe with signal " +
                             std::to_string(signal) + " (" + signal_name(signal) + ")",
                         fix};
    }
    return HostError{where,
                     doing(said.stage) + " ended the probe with exit status " +
                         std::to_string(WEXITSTATUS(run.status)) +
                         (said.stage == TASKHOST_PROBE_STAGE_DESCRIBE ? " (it called exit)" : ""),
                     fix};
}

// The probe's own refusal: the same reasons the host gives when it loads a file itself.
HostError refused_by_probe(const std::string& path, const std::string& kind,
                           const std::string& text) {
    const std::string where = kWhat + " " + path;
    const std::string export_fix =
        "export both plugin_describe and plugin_execute (see taskhost/plugin.h)";
    if (kind == TASKHOST_PROBE_REFUSED_NO_DESCRIBE || kind == TASKHOST_PROBE_REFUSED_NO_EXECUTE) {
        const std::string symbol =
            kind == TASKHOST_PROBE_REFUSED_NO_DESCRIBE ? "plugin_describe" : "plugin_execute";
        return HostError{where, "does not export " + symbol + " (" + text + ")", export_fix};
    }
    if (kind == TASKHOST_PROBE_REFUSED_NULL) {
        return HostError{where, "describe is not usable: plugin_describe returned NULL",
                         "return the plugin's JSON description from plugin_describe"};
    }
    if (kind == TASKHOST_PROBE_REFUSED_TOO_LARGE) {
        return HostError{where, "describe is not usable: it is larger than 1 MiB",
                         "keep the plugin's JSON description under 1 MiB"};
    }
    return HostError{
        where, "cannot be loaded: " + (text.empty() ? std::string("no reason given") : text),
        "check it is a plugin built for this system (and its dependencies are installed)"};
}

Result<std::string> verdict(const std::string& path, const ProbeRun& run,
                            std::chrono::milliseconds limit) {
    if (run.cancelled) {
        return HostError{kWhat + " " + path, "was not loaded: the host is stopping",
                         "reload again once taskhost runs"};
    }
    if (run.overflowed) {
        return HostError{kWhat + " " + path, "wrote more than 1 MiB on the probe's answer channel",
                         "fix the plugin: describe returns at most 1 MiB of JSON and loading it "
                         "writes nothing"};
    }
    const ProbeSaid said = parse_output(run.output);
    const bool exited = !run.late && WIFEXITED(run.status);
    if (exited && WEXITSTATUS(run.status) == 0 && said.described) {
        return said.payload;
    }
    if (exited && WEXITSTATUS(run.status) == 1 && said.refused) {
        return refused_by_probe(path, *said.refused, said.payload);
    }
    return ended_by_plugin(path, run, said, limit);
}

}  // namespace

Result<std::string> probe_plugin(const std::string& copy, const std::string& path,
                                 const PluginProbeOptions& options,
                                 std::chrono::microseconds& took) {
    took = std::chrono::microseconds(0);
    Result<std::string> program = locate_probe_program(options.program);
    if (!program.ok()) {
        return program.error();
    }
    std::optional<ProbeRun> warm;
    if (options.warm != nullptr) {
        warm = options.warm->run(copy, options.timeout, options.cancel, kMaxOutput);
    }
    const ProbeRun run =
        warm ? std::move(*warm)
             : run_probe(program.value(), copy, options.timeout, options.cancel, kMaxOutput);
    took = run.took;
    if (run.start_error) {
        return HostError{"plugin probe " + program.value(),
                         "cannot be started: " + *run.start_error,
                         "check it is the " TASKHOST_PROBE_PROGRAM " built with this taskhost"};
    }
    Result<std::string> answer = verdict(path, run, options.timeout);
    if (answer.ok() && options.warm != nullptr) {
        options.warm->preload(program.value(), parse_output(run.output).libraries);
    }
    return answer;
}

Result<std::string> probe_plugin_cached(const std::string& copy, const std::string& path,
                                        const std::string& copy_sha256,
                                        const PluginProbeOptions& options,
                                        std::chrono::microseconds& took) {
    took = std::chrono::microseconds(0);
    if (options.verdicts == nullptr || copy_sha256.empty()) {
        return probe_plugin(copy, path, options, took);
    }
    Result<std::string> program = locate_probe_program(options.program);
    if (!program.ok()) {
        return program.error();
    }
    const std::string key = probe_verdict_key(copy_sha256, program.value());
    if (std::optional<std::string> passed = options.verdicts->find(key)) {
        return *passed;
    }
    PluginProbeOptions located = options;
    located.program = program.value();
    Result<std::string> described = probe_plugin(copy, path, located, took);
    if (described.ok() && parse_plugin_description(described.value().c_str(), TASKHOST_ABI_VERSION,
                                                   kWhat + " " + path)
                              .ok()) {
        options.verdicts->remember(key, described.value());
    }
    return described;
}

}  // namespace taskhost
