// The example plugin through the C ABI, loaded from the built example_echo.so the way the host
// loads plugins (dlopen RTLD_NOW | RTLD_LOCAL, dlsym of the two symbols). The key is a canary:
// it must show up in no outcome and no log line.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "exported_symbols.h"
#include "taskhost/plugin.h"

namespace {

using Poco::JSON::Object;

const std::string kCanaryKey = "CANARY-KEY-e7c1-example-echo";

struct Plugin {
    void* handle = nullptr;
    taskhost_plugin_describe_fn describe = nullptr;
    taskhost_plugin_execute_fn execute = nullptr;

    static const Plugin& instance() {
        static const Plugin plugin = [] {
            Plugin loaded;
            loaded.handle = ::dlopen(EXAMPLE_ECHO_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
            if (loaded.handle != nullptr) {
                loaded.describe = reinterpret_cast<taskhost_plugin_describe_fn>(
                    ::dlsym(loaded.handle, "plugin_describe"));
                loaded.execute = reinterpret_cast<taskhost_plugin_execute_fn>(
                    ::dlsym(loaded.handle, "plugin_execute"));
            }
            return loaded;  // never dlclosed: shared by every test of the process
        }();
        return plugin;
    }
};

// A host struct that records every callback.
class RecordingHost {
  public:
    RecordingHost() {
        host_.abi_version = TASKHOST_ABI_VERSION;
        host_.size = sizeof(taskhost_host);
        host_.ctx = this;
        host_.emit = [](void* ctx, const char* json, size_t len) {
            static_cast<RecordingHost*>(ctx)->emits.emplace_back(json, len);
        };
        host_.log = [](void* ctx, int, const char* line) {
            static_cast<RecordingHost*>(ctx)->logs.emplace_back(line);
        };
        host_.cancelled = [](void* ctx) { return static_cast<RecordingHost*>(ctx)->cancel; };
        host_.acquire = [](void* ctx, const char* bucket) {
            auto* self = static_cast<RecordingHost*>(ctx);
            self->buckets.emplace_back(bucket);
            return self->acquire_answer;
        };
        host_.throttled = [](void*, const char*, uint32_t) {};
    }
    // A host built before pacing was appended: acquire is beyond its `size`.
    void shrink_to_pre_pacing_size() { host_.size = offsetof(taskhost_host, acquire); }
    const taskhost_host* get() const { return &host_; }

    std::vector<std::string> emits;
    std::vector<std::string> logs;
    std::vector<std::string> buckets;
    int cancel = 0;
    int acquire_answer = 0;

  private:
    taskhost_host host_{};
};

struct EchoRun {
    int rc = -1;
    Object::Ptr outcome;
    std::string json;
};

Object::Ptr parse_object(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
}

EchoRun run(const std::string& spec, RecordingHost& host) {
    EchoRun result;
    result.rc = Plugin::instance().execute(spec.c_str(), host.get());
    EXPECT_EQ(host.emits.size(), 1u) << "emit must be called exactly once";
    if (!host.emits.empty()) {
        result.json = host.emits.front();
        result.outcome = parse_object(result.json);
    }
    for (const std::string& text : host.emits) {
        EXPECT_EQ(text.find("CANARY-KEY"), std::string::npos) << text;
    }
    for (const std::string& text : host.logs) {
        EXPECT_EQ(text.find("CANARY-KEY"), std::string::npos) << text;
    }
    for (const std::string& text : host.buckets) {
        EXPECT_EQ(text.find("CANARY-KEY"), std::string::npos) << text;
    }
    return result;
}

// A spool file per test, removed at the end.
class SpoolFile {
  public:
    SpoolFile() {
        char name[] = "/tmp/example_echo_spool_XXXXXX";
        const int fd = ::mkstemp(name);
        EXPECT_GE(fd, 0);
        ::close(fd);
        ::unlink(name);  // the plugin creates it on the first real run
        path_ = name;
    }
    ~SpoolFile() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }
    std::vector<std::string> lines() const {
        std::ifstream in(path_);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) {
            out.push_back(line);
        }
        return out;
    }

  private:
    std::string path_;
};

std::string spec_json(const std::string& params, const std::string& connection,
                      bool dry_run = false, const std::string& id = "echo-1") {
    return "{\"task\":\"example.echo\",\"id\":\"" + id +
           "\",\"dry_run\":" + (dry_run ? "true" : "false") + ",\"params\":" + params +
           ",\"connection\":" + connection + "}";
}

std::string connection_json(const std::string& spool, bool with_key = true) {
    std::string json = "{\"endpoint\":\"https://echo.example.test\",\"greeting\":\"hi\"";
    if (!spool.empty()) {
        json += ",\"spool_file\":\"" + spool + "\"";
    }
    if (with_key) {
        json += ",\"api_key\":\"" + kCanaryKey + "\"";
    }
    return json + "}";
}

void expect_invalid_input(const EchoRun& result, const std::string& field) {
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_NE(result.rc, 0);
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "failed");
    EXPECT_TRUE(result.outcome->getValue<bool>("failed"));
    EXPECT_FALSE(result.outcome->getValue<bool>("changed"));
    const Object::Ptr error = result.outcome->getObject("error");
    ASSERT_TRUE(error) << result.json;
    EXPECT_EQ(error->getValue<std::string>("kind"), "invalid_input") << result.json;
    EXPECT_EQ(error->getObject("details")->getValue<std::string>("field"), field) << result.json;
    EXPECT_NE(result.outcome->getValue<std::string>("msg").find(field), std::string::npos)
        << result.json;
}

TEST(ExampleEcho, LoadsWithBothSymbols) {
    ASSERT_NE(Plugin::instance().handle, nullptr) << ::dlerror();
    EXPECT_NE(Plugin::instance().describe, nullptr);
    EXPECT_NE(Plugin::instance().execute, nullptr);
}

TEST(ExampleEcho, DescribesItsTaskAndItsOwnConnectionSchema) {
    const Object::Ptr describe = parse_object(Plugin::instance().describe());
    EXPECT_EQ(describe->getValue<int>("abi_version"), static_cast<int>(TASKHOST_ABI_VERSION));
    EXPECT_EQ(describe->getValue<std::string>("name"), "example_echo");

    const Object::Ptr schema = describe->getObject("connection_schema");
    ASSERT_TRUE(schema);
    const Object::Ptr properties = schema->getObject("properties");
    ASSERT_TRUE(properties);
    EXPECT_EQ(properties->getObject("endpoint")->getValue<int>("minLength"), 1);
    EXPECT_EQ(properties->getObject("greeting")->getArray("enum")->size(), 2u);
    EXPECT_EQ(properties->getObject("spool_file")->getValue<std::string>("format"), "path");
    EXPECT_EQ(properties->size(), 3u);
    EXPECT_EQ(schema->getArray("required")->getElement<std::string>(0), "endpoint");
    EXPECT_FALSE(schema->getValue<bool>("additionalProperties"));

    const Poco::JSON::Array::Ptr tasks = describe->getArray("tasks");
    ASSERT_EQ(tasks->size(), 1u);
    const Object::Ptr task = tasks->getObject(0);
    EXPECT_EQ(task->getValue<std::string>("name"), "example.echo");
    EXPECT_EQ(task->getValue<std::string>("summary"),
              "Echo params back, through a paced request-less turn");
    EXPECT_TRUE(task->getValue<bool>("supports_dry_run"));
    const Object::Ptr params = task->getObject("params_schema");
    EXPECT_EQ(params->getObject("properties")->getObject("message")->getValue<int>("maxLength"),
              1000);
    EXPECT_EQ(params->getObject("properties")->getObject("repeat")->getValue<int>("maximum"), 10);
    EXPECT_FALSE(params->getValue<bool>("additionalProperties"));
    const Object::Ptr limit = task->getArray("rate_limits")->getObject(0);
    EXPECT_EQ(limit->getValue<std::string>("scope"), "api_key");
    EXPECT_EQ(limit->getValue<int>("requests"), 50);
    EXPECT_EQ(limit->getValue<int>("per_seconds"), 1);
}

TEST(ExampleEcho, RunEchoesThroughOnePacedTurnAndAppendsOneSpoolLine) {
    SpoolFile spool;
    RecordingHost host;
    const EchoRun result = run(
        spec_json(R"({"message":"hello world","repeat":2})", connection_json(spool.path())), host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.rc, 0);
    EXPECT_EQ(result.outcome->getValue<std::string>("task"), "example.echo");
    EXPECT_EQ(result.outcome->getValue<std::string>("id"), "echo-1");
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "succeeded");
    EXPECT_TRUE(result.outcome->getValue<bool>("changed"));
    EXPECT_FALSE(result.outcome->getValue<bool>("failed"));
    EXPECT_EQ(result.outcome->getValue<std::string>("msg"),
              "hi, hello world x2 via https://echo.example.test");
    EXPECT_TRUE(result.outcome->getValue<bool>("key_present"));
    EXPECT_EQ(result.outcome->getObject("echo")->getValue<std::string>("message"), "hello world");
    EXPECT_EQ(result.outcome->getObject("echo")->getValue<int>("repeat"), 2);
    const Object::Ptr connection = result.outcome->getObject("connection");
    EXPECT_EQ(connection->getValue<std::string>("endpoint"), "https://echo.example.test");
    EXPECT_EQ(connection->getValue<std::string>("greeting"), "hi");
    EXPECT_EQ(connection->getValue<std::string>("spool_file"), spool.path());
    EXPECT_FALSE(connection->has("api_key"));

    ASSERT_EQ(host.buckets.size(), 1u);
    EXPECT_EQ(host.buckets[0].rfind("example:", 0), 0u) << host.buckets[0];
    EXPECT_LE(host.buckets[0].size(), 256u);
    EXPECT_EQ(spool.lines(), std::vector<std::string>{"echo-1 hello world"});
}

TEST(ExampleEcho, GreetingDefaultsToHelloAndRepeatToOne) {
    RecordingHost host;
    const EchoRun result =
        run(spec_json(R"({"message":"m"})", R"({"endpoint":"e","api_key":")" + kCanaryKey + "\"}"),
            host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.outcome->getValue<std::string>("msg"), "hello, m x1 via e");
    EXPECT_FALSE(result.outcome->getObject("connection")->has("spool_file"));
}

TEST(ExampleEcho, SameKeySameBucketAndOtherKeyOtherBucket) {
    RecordingHost host;
    run(spec_json(R"({"message":"a"})", connection_json("")), host);
    host.emits.clear();
    run(spec_json(R"({"message":"b"})", connection_json("")), host);
    host.emits.clear();
    run(spec_json(R"({"message":"c"})", R"({"endpoint":"e","api_key":"CANARY-KEY-other"})"), host);
    ASSERT_EQ(host.buckets.size(), 3u);
    EXPECT_EQ(host.buckets[0], host.buckets[1]);
    EXPECT_NE(host.buckets[0], host.buckets[2]);
}

TEST(ExampleEcho, DryRunPlansWithoutTurnOrSpoolAndWithoutAKey) {
    SpoolFile spool;
    RecordingHost host;
    const EchoRun result = run(
        spec_json(R"({"message":"plan me"})", connection_json(spool.path(), false), true), host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.rc, 0);
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "planned");
    EXPECT_FALSE(result.outcome->getValue<bool>("changed"));
    EXPECT_FALSE(result.outcome->getValue<bool>("failed"));
    EXPECT_FALSE(result.outcome->getValue<bool>("key_present"));
    EXPECT_TRUE(host.buckets.empty());
    EXPECT_TRUE(spool.lines().empty());
}

TEST(ExampleEcho, DryRunWithAKeySaysKeyPresentAndNeverTheKey) {
    SpoolFile spool;
    RecordingHost host;
    const EchoRun result =
        run(spec_json(R"({"message":"plan me"})", connection_json(spool.path()), true), host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "planned");
    EXPECT_TRUE(result.outcome->getValue<bool>("key_present"));
    EXPECT_TRUE(spool.lines().empty());
}

TEST(ExampleEcho, InvalidSpecsNameTheFieldAndDoNothing) {
    SpoolFile spool;
    const std::string connection = connection_json(spool.path());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"not json", "$"},
        {"[1,2]", "$"},
        {spec_json(R"({"repeat":2})", connection), "params.message"},
        {spec_json(R"({"message":7})", connection), "params.message"},
        {spec_json(R"({"message":")" + std::string(1001, 'x') + "\"}", connection),
         "params.message"},
        {spec_json(R"({"message":"m","repeat":0})", connection), "params.repeat"},
        {spec_json(R"({"message":"m","repeat":11})", connection), "params.repeat"},
        {spec_json(R"({"message":"m","repeat":1.5})", connection), "params.repeat"},
        {spec_json(R"({"message":"m","repeat":true})", connection), "params.repeat"},
        {spec_json(R"({"message":"m","loud":true})", connection), "params.loud"},
        {spec_json(R"({"message":"m"})", R"({"api_key":"CANARY-KEY-x"})"), "connection.endpoint"},
        {spec_json(R"({"message":"m"})", R"({"endpoint":"","api_key":"CANARY-KEY-x"})"),
         "connection.endpoint"},
        {spec_json(R"({"message":"m"})",
                   R"({"endpoint":"e","greeting":"yo","api_key":"CANARY-KEY-x"})"),
         "connection.greeting"},
        {spec_json(R"({"message":"m"})", R"({"endpoint":"e","token":"t","api_key":"CANARY-KEY"})"),
         "connection.token"},
        {spec_json(R"({"message":"m"})", R"({"endpoint":"e"})"), "connection.api_key"},
        {R"({"task":"example.other","params":{"message":"m"},"connection":{"endpoint":"e"}})",
         "task"},
        {R"({"task":"example.echo","params":{"message":"m"}})", "connection"},
    };
    for (const auto& [spec, field] : cases) {
        SCOPED_TRACE(spec.substr(0, 200));
        RecordingHost host;
        expect_invalid_input(run(spec, host), field);
        EXPECT_TRUE(host.buckets.empty());
    }
    EXPECT_TRUE(spool.lines().empty());
}

TEST(ExampleEcho, MessageLengthCountsCharactersNotBytes) {
    std::string thousand_e_acute;
    for (int i = 0; i < 1000; ++i) {
        thousand_e_acute += "\xc3\xa9";  // 2 bytes, 1 character
    }
    RecordingHost ok_host;
    const EchoRun ok =
        run(spec_json("{\"message\":\"" + thousand_e_acute + "\"}", connection_json("")), ok_host);
    ASSERT_TRUE(ok.outcome) << ok.json;
    EXPECT_EQ(ok.outcome->getValue<std::string>("status"), "succeeded");

    RecordingHost bad_host;
    expect_invalid_input(
        run(spec_json("{\"message\":\"\xc3\xa9\xff\"}", connection_json("")), bad_host),
        "$");  // the JSON parser refuses text that is not UTF-8
}

TEST(ExampleEcho, NullSpecIsInvalidInput) {
    RecordingHost host;
    const int rc = Plugin::instance().execute(nullptr, host.get());
    EXPECT_NE(rc, 0);
    ASSERT_EQ(host.emits.size(), 1u);
    EXPECT_EQ(parse_object(host.emits[0])->getObject("error")->getValue<std::string>("kind"),
              "invalid_input");
}

TEST(ExampleEcho, CancelledBeforeTheTurnWritesNothing) {
    SpoolFile spool;
    RecordingHost host;
    host.cancel = 1;
    const EchoRun result =
        run(spec_json(R"({"message":"m"})", connection_json(spool.path())), host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_NE(result.rc, 0);
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "cancelled");
    EXPECT_EQ(result.outcome->getObject("error")->getValue<std::string>("kind"), "cancelled");
    EXPECT_TRUE(spool.lines().empty());
}

TEST(ExampleEcho, NoTurnFromTheHostMeansNothingIsWritten) {
    SpoolFile spool;
    RecordingHost host;
    host.acquire_answer = 1;  // out of time
    const EchoRun result =
        run(spec_json(R"({"message":"m"})", connection_json(spool.path())), host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "failed");
    EXPECT_EQ(result.outcome->getObject("error")->getValue<std::string>("kind"), "rate_limited");
    EXPECT_EQ(host.buckets.size(), 1u);
    EXPECT_TRUE(spool.lines().empty());
}

TEST(ExampleEcho, RunsWithoutAPacerOnAnOlderHost) {
    SpoolFile spool;
    RecordingHost host;
    host.shrink_to_pre_pacing_size();
    const EchoRun result =
        run(spec_json(R"({"message":"m"})", connection_json(spool.path())), host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "succeeded");
    EXPECT_TRUE(host.buckets.empty());  // beyond `size`: never called
    EXPECT_EQ(spool.lines().size(), 1u);
}

TEST(ExampleEcho, ASpoolFileThatCannotBeWrittenFailsTheRunNamingIt) {
    RecordingHost host;
    const EchoRun result =
        run(spec_json(R"({"message":"m"})", connection_json("/nonexistent-example-echo-dir/spool")),
            host);
    ASSERT_TRUE(result.outcome) << result.json;
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "failed");
    const Object::Ptr error = result.outcome->getObject("error");
    EXPECT_EQ(error->getValue<std::string>("kind"), "not_found");
    EXPECT_EQ(error->getObject("details")->getValue<std::string>("field"), "connection.spool_file");
}

TEST(ExampleEcho, AnotherAbiMajorGetsAPluginFailure) {
    RecordingHost host;
    taskhost_host other = *host.get();
    other.abi_version = TASKHOST_ABI_VERSION + 1;
    EXPECT_NE(Plugin::instance().execute(
                  spec_json(R"({"message":"m"})", connection_json("")).c_str(), &other),
              0);
    ASSERT_EQ(host.emits.size(), 1u);
    EXPECT_EQ(parse_object(host.emits[0])->getObject("error")->getValue<std::string>("kind"),
              "plugin");
}

TEST(ExampleEcho, DynamicSymbolTableHoldsExactlyTheTwoAbiFunctions) {
    const taskhost_test::ExportedSymbols exported =
        taskhost_test::exported_symbols(EXAMPLE_ECHO_PLUGIN_PATH);
    ASSERT_TRUE(exported.nm_started);
    EXPECT_EQ(exported.names, (std::set<std::string>{"plugin_describe", "plugin_execute"}))
        << exported.nm_output;
}

}  // namespace
