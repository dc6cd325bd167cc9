// Two copies of the plugin loaded at once, as the daemon's hot reload has them (each a uniquely
// named private copy, dlopened RTLD_NOW | RTLD_LOCAL): both run TLS tasks concurrently, and
// unloading the old copy while the new one has tasks in flight leaves the new one working and
// still refusing certificates it must not trust. Poco's SSLManager is one per process, shared by
// both copies: this is what proves neither copy's TLS state depends on it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;
namespace fs = std::filesystem;

// A private copy of the built plugin under its own name, dlopened as the host does.
class PluginCopy {
  public:
    PluginCopy(const fs::path& dir, const std::string& name) : path_(dir / name) {
        fs::copy_file(DIGICERT_DCV_PLUGIN_PATH, path_);
        handle_ = ::dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle_ == nullptr) {
            throw std::runtime_error(std::string("dlopen failed: ") + ::dlerror());
        }
        execute_ = reinterpret_cast<taskhost_plugin_execute_fn>(::dlsym(handle_, "plugin_execute"));
        if (execute_ == nullptr) {
            throw std::runtime_error("the copy lacks plugin_execute");
        }
    }
    PluginCopy(const PluginCopy&) = delete;
    PluginCopy& operator=(const PluginCopy&) = delete;
    ~PluginCopy() { close(); }

    taskhost_plugin_execute_fn execute() const { return execute_; }

    // dlclose; false when it failed.
    bool close() {
        if (handle_ == nullptr) {
            return true;
        }
        const bool closed = ::dlclose(handle_) == 0;
        handle_ = nullptr;
        execute_ = nullptr;
        return closed;
    }

    // Whether the copy is still mapped in the process (RTLD_NOLOAD loads nothing).
    bool mapped() const {
        void* handle = ::dlopen(path_.c_str(), RTLD_NOW | RTLD_NOLOAD);
        if (handle == nullptr) {
            return false;
        }
        ::dlclose(handle);
        return true;
    }

  private:
    fs::path path_;
    void* handle_ = nullptr;
    taskhost_plugin_execute_fn execute_ = nullptr;
};

// Counts what a batch of executions came to; anything unexpected lands in `wrong`.
struct Tally {
    std::atomic<int> succeeded{0};
    std::atomic<int> refused_tls{0};
    std::atomic<int> wrong{0};
    std::mutex mutex;
    std::string first_wrong;

    void expect(const Execution& e, const char* status, const char* kind = "") {
        const bool as_expected =
            e.emit_count == 1 && status_of(e) == status && error_kind_of(e) == kind;
        if (as_expected) {
            ++(std::string(status) == "succeeded" ? succeeded : refused_tls);
            return;
        }
        ++wrong;
        std::lock_guard<std::mutex> lock(mutex);
        if (first_wrong.empty()) {
            first_wrong = "expected " + std::string(status) + ", got: " + e.raw;
        }
    }
};

// `tasks` resends through `copy`, then one task against an untrusted server.
void run_batch(taskhost_plugin_execute_fn copy, const std::string& resend,
               const std::string& untrusted, int tasks, Tally& tally) {
    RecordingHost host;
    host.offer_pacing();  // the host paces: the plugin's own pacer would slow 100+ tasks
    for (int i = 0; i < tasks; ++i) {
        tally.expect(execute_with(copy, resend, host), "succeeded");
    }
    tally.expect(execute_with(copy, untrusted, host), "failed", "tls");
}

// Holds tasks inside the plugin (in the host's acquire) until released.
class Gate {
  public:
    void wait_here() {
        std::unique_lock<std::mutex> lock(mutex_);
        ++waiting_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return open_; });
    }
    bool wait_for_waiters(int count) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return waiting_ >= count; });
    }
    void open() {
        std::lock_guard<std::mutex> lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int waiting_ = 0;
    bool open_ = false;
};

TEST(Generations, UnloadingAnOldCopyLeavesANewerOneWorkingAndStrict) {
    sandbox::SandboxServer trusted(sandbox_options());
    sandbox::SandboxServer self_signed(sandbox_options(sandbox::TlsIdentity::kSelfSigned));
    sandbox::SandboxServer wrong_host(sandbox_options(sandbox::TlsIdentity::kWrongHost));
    const std::string resend = resend_spec(trusted);
    const std::string rogue = resend_spec(self_signed);
    const std::string misnamed = resend_spec(wrong_host);

    TempDir dir;
    PluginCopy old_copy(dir.path(), "digicert_dcv.gen1.so");
    PluginCopy new_copy(dir.path(), "digicert_dcv.gen2.so");
    ASSERT_NE(old_copy.execute(), new_copy.execute()) << "two copies, not one library twice";

    // Both copies at once, two threads each.
    constexpr int kTasks = 15;
    Tally before;
    {
        std::vector<std::thread> threads;
        for (int t = 0; t < 2; ++t) {
            threads.emplace_back(run_batch, old_copy.execute(), resend, rogue, kTasks,
                                 std::ref(before));
            threads.emplace_back(run_batch, new_copy.execute(), resend, misnamed, kTasks,
                                 std::ref(before));
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
    }
    EXPECT_EQ(before.wrong.load(), 0) << before.first_wrong;
    EXPECT_EQ(before.succeeded.load(), 4 * kTasks);
    EXPECT_EQ(before.refused_tls.load(), 4);

    // The old copy's tasks are all done (the host unloads a generation only then). The new
    // copy has two tasks held inside plugin_execute and two threads running tasks freely
    // while the old copy is unloaded.
    Gate gate;
    Tally held;
    std::vector<std::thread> held_threads;
    for (int t = 0; t < 2; ++t) {
        held_threads.emplace_back([&] {
            RecordingHost host;
            host.offer_pacing();
            host.on_acquire_call([&] { gate.wait_here(); });
            held.expect(execute_with(new_copy.execute(), resend, host), "succeeded");
        });
    }
    std::atomic<bool> stop{false};
    Tally during;
    std::vector<std::thread> free_threads;
    for (int t = 0; t < 2; ++t) {
        free_threads.emplace_back([&] {
            RecordingHost host;
            host.offer_pacing();
            while (!stop.load()) {
                during.expect(execute_with(new_copy.execute(), resend, host), "succeeded");
                during.expect(execute_with(new_copy.execute(), rogue, host), "failed", "tls");
            }
        });
    }
    const bool held_inside = gate.wait_for_waiters(2);
    EXPECT_TRUE(held_inside) << "the new copy's tasks never reached the host's acquire";

    EXPECT_TRUE(old_copy.close()) << ::dlerror();
    EXPECT_FALSE(old_copy.mapped()) << "the old copy stayed loaded: its statics (sessions, TLS "
                                       "contexts) were never destroyed, so this proves nothing";

    gate.open();
    for (std::thread& thread : held_threads) {
        thread.join();
    }
    // After the unload: more of both, concurrently with the free-running threads.
    Tally after;
    {
        std::vector<std::thread> threads;
        for (int t = 0; t < 2; ++t) {
            threads.emplace_back(run_batch, new_copy.execute(), resend, rogue, kTasks,
                                 std::ref(after));
        }
        threads.emplace_back(run_batch, new_copy.execute(), resend, misnamed, 1, std::ref(after));
        for (std::thread& thread : threads) {
            thread.join();
        }
    }
    stop = true;
    for (std::thread& thread : free_threads) {
        thread.join();
    }

    EXPECT_EQ(held.wrong.load(), 0) << held.first_wrong;
    EXPECT_EQ(held.succeeded.load(), 2);
    EXPECT_EQ(during.wrong.load(), 0) << during.first_wrong;
    EXPECT_GT(during.succeeded.load(), 0);
    EXPECT_EQ(after.wrong.load(), 0) << after.first_wrong;
    EXPECT_EQ(after.succeeded.load(), 2 * kTasks + 1);
    EXPECT_EQ(after.refused_tls.load(), 3);
    const int total = before.succeeded + held.succeeded + during.succeeded + after.succeeded;
    EXPECT_EQ(trusted.accepted_resends().size(), static_cast<size_t>(total));
    EXPECT_TRUE(self_signed.requests().empty()) << "no request may reach an untrusted server";
    EXPECT_TRUE(wrong_host.requests().empty()) << "no request may reach an untrusted server";

    EXPECT_TRUE(new_copy.close()) << ::dlerror();
    EXPECT_FALSE(new_copy.mapped());
}

}  // namespace
