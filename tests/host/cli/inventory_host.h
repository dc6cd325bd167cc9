// A host directory with the test plugin "inventory" (tests/host/test_plugins/listing_plugin.c)
// and an account "inv" whose key comes from the environment, run through the built taskhost:
// the fixture of the CLI's run tests.
#pragma once

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <string>
#include <vector>

#include "host_test_support.h"

namespace taskhost {

inline Poco::JSON::Object::Ptr one_json_line(const std::string& out) {
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << "one line of JSON expected: " << out;
    return Poco::JSON::Parser().parse(out).extract<Poco::JSON::Object::Ptr>();
}

class InventoryHost : public ::testing::Test {
  protected:
    InventoryHost() {
        taskhost_test::install_test_plugin(host_.plugin_dir(), "inventory");
        host_.write_config(R"({"inv": {"api_key_env": "TASKHOST_TEST_KEY"}})");
    }

    taskhost_test::ProcessResult run(const std::vector<std::string>& args) {
        return taskhost_test::run_taskhost_with_key(args, host_.config_path());
    }

    // The ledger's history, oldest first.
    Poco::JSON::Array::Ptr history() {
        const taskhost_test::ProcessResult r = run({"history", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        return one_json_line(r.out)->getArray("history");
    }

    taskhost_test::HostFixture host_;
};

}  // namespace taskhost
