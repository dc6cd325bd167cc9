#include "host_test_support.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace taskhost_test {
namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& content, mode_t mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) {
            throw std::runtime_error("cannot write " + path);
        }
    }
    ::chmod(path.c_str(), mode);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void make_dir(const std::string& path, mode_t mode) {
    fs::create_directories(path);
    ::chmod(path.c_str(), mode);
}

std::string test_plugin_path(const std::string& name) {
    return std::string(TEST_PLUGIN_DIR) + "/" + name + ".so";
}

void install_test_plugin(const std::string& dir, const std::string& name, const std::string& as) {
    const std::string target = dir + "/" + (as.empty() ? name + ".so" : as);
    fs::copy_file(test_plugin_path(name), target, fs::copy_options::overwrite_existing);
    ::chmod(target.c_str(), 0755);
}

HostFixture::HostFixture() {
    ::chmod(dir_.path().c_str(), 0755);
    make_dir(plugin_dir(), 0755);
}

std::string host_config_json(const std::string& accounts_json, const std::string& state_dir) {
    // Each test's own ledger: "state" next to the config unless the test names one.
    const std::string state =
        "\"state_dir\": \"" + (state_dir.empty() ? std::string("state") : state_dir) + "\", ";
    return "{\"plugin_dir\": \"plugins\", " + state + "\"accounts\": " + accounts_json + "}";
}

void HostFixture::write_config(const std::string& accounts_json, const std::string& state_dir) {
    write_file(config_path(), host_config_json(accounts_json, state_dir));
}

std::string HostFixture::write_key_file(const std::string& name, const std::string& key,
                                        mode_t mode) {
    const std::string path = dir_ / name;
    write_file(path, key + "\n", mode);
    return path;
}

namespace {

ProcessLaunch taskhost_launch(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env,
                              const std::string& stdin_text) {
    ProcessLaunch launch;
    launch.argv.push_back(TASKHOST_BINARY);
    launch.argv.insert(launch.argv.end(), args.begin(), args.end());
    launch.env = env;
    launch.unset_env = {"TASKHOST_CONFIG"};
    launch.stdin_text = stdin_text;
    return launch;
}

}  // namespace

TaskhostProcess::TaskhostProcess(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env,
                                 const std::string& stdin_text)
    : ChildProcess(taskhost_launch(args, env, stdin_text)) {}

void TaskhostProcess::send_signal(int signal) {
    std::lock_guard<std::mutex> lock(signal_mutex_);
    ChildProcess::send_signal(signal);
}

ProcessResult TaskhostProcess::finish(std::chrono::milliseconds limit) {
    ProcessResult result = ChildProcess::finish(limit);
    // Not held while waiting: a hook's kill is what ends the wait. Taken now, it waits out a
    // send_signal still returning (the child died of it, so it began before this).
    std::lock_guard<std::mutex> lock(signal_mutex_);
    return result;
}

ProcessResult run_taskhost(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::string& stdin_text) {
    TaskhostProcess process(args, env, stdin_text);
    return process.finish();
}

ProcessResult run_taskhost_with_key(std::vector<std::string> args, const std::string& config_path,
                                    const std::string& key_env) {
    args.push_back("--config");
    args.push_back(config_path);
    ProcessResult result = run_taskhost(args, {{key_env, kCanaryKey}});
    EXPECT_EQ(result.out.find(kCanaryKey), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(kCanaryKey), std::string::npos) << result.err;
    return result;
}

std::vector<Poco::JSON::Object::Ptr> json_lines(const std::string& out) {
    std::vector<Poco::JSON::Object::Ptr> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '{') {
            lines.push_back(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>());
        }
    }
    return lines;
}

std::map<std::string, Poco::JSON::Object::Ptr> by_name(const std::string& out) {
    std::map<std::string, Poco::JSON::Object::Ptr> tasks;
    for (const Poco::JSON::Object::Ptr& line : json_lines(out)) {
        if (line->has("name")) {
            tasks[line->getValue<std::string>("name")] = line;
        }
    }
    return tasks;
}

Poco::JSON::Object::Ptr summary_of(const std::string& out) {
    for (const Poco::JSON::Object::Ptr& line : json_lines(out)) {
        if (line->has("summary")) {
            return line->getObject("summary");
        }
    }
    return nullptr;
}

}  // namespace taskhost_test
