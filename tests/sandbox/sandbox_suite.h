// The fixture of every GoogleTest suite that shares one sandbox across its tests (for test
// binaries only: it needs gtest). A suite starts the sandbox in its SetUpTestSuite with the
// options it needs; the fixture stops it after the suite and clears faults and records before
// each test. Suites run one after another, so one server pointer serves them all.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "sandbox_server.h"

namespace sandbox_test {

class SandboxSuite : public ::testing::Test {
  protected:
    static void start_sandbox(const sandbox::SandboxOptions& options) {
        server_ = std::make_unique<sandbox::SandboxServer>(options);
    }
    static void TearDownTestSuite() { server_.reset(); }
    void SetUp() override {
        server_->clear_faults();
        server_->reset_records();
    }

    inline static std::unique_ptr<sandbox::SandboxServer> server_;
};

}  // namespace sandbox_test
