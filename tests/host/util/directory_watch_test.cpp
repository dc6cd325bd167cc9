// DirectoryWatch on a real temp directory: which changes count, that a burst settles into one
// callback, and that stopping does not wait for the settle time. "Does not fire" is checked
// after many settle periods and then followed by a change that does fire, so a watch that had
// merely not noticed yet, or had died, would fail the test.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "host_test_support.h"
#include "util/directory_watch.h"

namespace taskhost {
namespace {

using namespace std::chrono_literals;
using taskhost_test::write_file;

// Counts callbacks; waits are bounded only so that a broken watch cannot hang the suite.
class Calls {
  public:
    void add() {
        std::lock_guard<std::mutex> lock(mutex_);
        ++count_;
        changed_.notify_all();
    }
    int count() {
        std::lock_guard<std::mutex> lock(mutex_);
        return count_;
    }
    bool reaches(int n, std::chrono::milliseconds limit = 10s) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, limit, [&] { return count_ >= n; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

class DirectoryWatchTest : public ::testing::Test {
  protected:
    std::unique_ptr<DirectoryWatch> watch(DirectoryWatchSettings settings, Calls& calls) {
        Result<std::unique_ptr<DirectoryWatch>> started =
            DirectoryWatch::start(dir_.path(), std::move(settings), [&calls] { calls.add(); });
        EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().text());
        return started.ok() ? std::move(started.value()) : nullptr;
    }

    static DirectoryWatchSettings settle(std::chrono::milliseconds settle) {
        DirectoryWatchSettings settings;
        settings.settle = settle;
        return settings;
    }

    // The way operators install: a dot-named temp file, then a rename into place.
    void install(const std::string& name, const std::string& text = "new") {
        write_file(path("." + name + ".tmp"), text);
        ASSERT_EQ(std::rename(path("." + name + ".tmp").c_str(), path(name).c_str()), 0);
    }

    std::string path(const std::string& name) const { return dir_ / name; }

    taskhost_test::TempDir dir_;
};

constexpr auto kSettle = 50ms;
constexpr auto kQuiet = 10 * kSettle;  // long past any settle: a callback would have come

TEST_F(DirectoryWatchTest, ARenameIntoPlaceFiresOnce) {
    Calls calls;
    const auto watcher = watch(settle(kSettle), calls);
    ASSERT_NE(watcher, nullptr);
    install("a.json");
    ASSERT_TRUE(calls.reaches(1));
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 1);
}

TEST_F(DirectoryWatchTest, IsArmedWhenStartReturns) {
    Calls calls;
    const auto watcher = watch(settle(kSettle), calls);
    ASSERT_NE(watcher, nullptr);
    install("a.json");  // at once, with no pause for a background thread to arm anything
    EXPECT_TRUE(calls.reaches(1));
}

TEST_F(DirectoryWatchTest, ABurstOfChangesSettlesIntoOneCallback) {
    Calls calls;
    const auto watcher = watch(settle(300ms), calls);
    ASSERT_NE(watcher, nullptr);
    install("a.json");
    install("b.json");
    write_file(path("c.json"), "x");
    ASSERT_TRUE(calls.reaches(1));
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(calls.count(), 1);
}

TEST_F(DirectoryWatchTest, ADotFileDoesNotFire) {
    Calls calls;
    const auto watcher = watch(settle(kSettle), calls);
    ASSERT_NE(watcher, nullptr);
    write_file(path(".hidden"), "x");
    ASSERT_EQ(std::rename(path(".hidden").c_str(), path(".other").c_str()), 0);
    ASSERT_EQ(std::remove(path(".other").c_str()), 0);
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 0);

    write_file(path("visible"), "x");
    EXPECT_TRUE(calls.reaches(1)) << "the watch still works";
}

TEST_F(DirectoryWatchTest, ANameThePredicateRefusesDoesNotFire) {
    Calls calls;
    DirectoryWatchSettings settings = settle(kSettle);
    settings.accept = [](const std::string& name) {
        return name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0;
    };
    const auto watcher = watch(settings, calls);
    ASSERT_NE(watcher, nullptr);
    write_file(path("notes.txt"), "x");
    install("readme.md");
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 0);

    install("plugin.so");
    EXPECT_TRUE(calls.reaches(1));
}

TEST_F(DirectoryWatchTest, AFileOpenForWritingFiresOnlyOnceClosed) {
    Calls calls;
    const auto watcher = watch(settle(kSettle), calls);
    ASSERT_NE(watcher, nullptr);
    // A slow copy: created and half written, still open.
    const int fd =
        ::open(path("plugin.so").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "half", 4), 4);
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 0) << "a half-written file must not trigger";

    ASSERT_EQ(::write(fd, " and the rest", 13), 13);
    ASSERT_EQ(::close(fd), 0);
    ASSERT_TRUE(calls.reaches(1));
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 1);
}

TEST_F(DirectoryWatchTest, ARemovalOrAMoveOutFires) {
    write_file(path("a.json"), "x");
    write_file(path("b.json"), "x");
    Calls calls;
    const auto watcher = watch(settle(kSettle), calls);
    ASSERT_NE(watcher, nullptr);
    ASSERT_EQ(std::remove(path("a.json").c_str()), 0);
    ASSERT_TRUE(calls.reaches(1));
    ASSERT_EQ(std::rename(path("b.json").c_str(), path(".b.json.old").c_str()), 0);
    EXPECT_TRUE(calls.reaches(2));
}

TEST_F(DirectoryWatchTest, AChmodFiresOnlyWhenAttributesCount) {
    write_file(path("plugin.so"), "x", 0755);
    Calls with_attributes;
    Calls without;
    DirectoryWatchSettings settings = settle(kSettle);
    settings.attributes = true;
    const auto attributes_watch = watch(settings, with_attributes);
    const auto plain_watch = watch(settle(kSettle), without);
    ASSERT_NE(attributes_watch, nullptr);
    ASSERT_NE(plain_watch, nullptr);
    ASSERT_EQ(::chmod(path("plugin.so").c_str(), 0775), 0);
    ASSERT_TRUE(with_attributes.reaches(1));
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(without.count(), 0);
}

TEST_F(DirectoryWatchTest, StopReturnsQuicklyAndNoCallbackFollows) {
    Calls calls;
    const auto watcher = watch(settle(30s), calls);  // a change now would call back in 30 s
    ASSERT_NE(watcher, nullptr);
    install("a.json");
    std::this_thread::sleep_for(100ms);  // the event is read and waiting to settle
    const auto before = std::chrono::steady_clock::now();
    watcher->stop();
    const auto took = std::chrono::steady_clock::now() - before;
    EXPECT_LT(took, 1s);
    watcher->stop();  // again: a no-op
    install("b.json");
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 0);
}

TEST_F(DirectoryWatchTest, DestroyingAnIdleWatchIsQuick) {
    Calls calls;
    auto watcher = watch(settle(30s), calls);
    ASSERT_NE(watcher, nullptr);
    const auto before = std::chrono::steady_clock::now();
    watcher.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}

TEST_F(DirectoryWatchTest, StopFromTheCallbackEndsTheWatchWithoutDeadlock) {
    Calls calls;
    std::atomic<DirectoryWatch*> self{nullptr};
    Result<std::unique_ptr<DirectoryWatch>> started =
        DirectoryWatch::start(dir_.path(), settle(kSettle), [&] {
            calls.add();
            self.load()->stop();
        });
    ASSERT_TRUE(started.ok()) << started.error().text();
    self = started.value().get();
    install("a.json");
    ASSERT_TRUE(calls.reaches(1));
    install("b.json");
    std::this_thread::sleep_for(kQuiet);
    EXPECT_EQ(calls.count(), 1);
    started.value().reset();  // joins the thread that stopped itself
}

TEST_F(DirectoryWatchTest, AMissingDirectoryOrAFileIsAClearError) {
    DirectoryWatchSettings settings;
    settings.what = "manifests directory";
    Result<std::unique_ptr<DirectoryWatch>> missing =
        DirectoryWatch::start(path("nope"), settings, [] {});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().where, "manifests directory " + path("nope"));
    EXPECT_NE(missing.error().problem.find("cannot be watched"), std::string::npos);
    EXPECT_EQ(missing.error().fix, "create it");

    write_file(path("file"), "x");
    Result<std::unique_ptr<DirectoryWatch>> file =
        DirectoryWatch::start(path("file"), settings, [] {});
    ASSERT_FALSE(file.ok());
    EXPECT_NE(file.error().problem.find("cannot be watched"), std::string::npos);
}

}  // namespace
}  // namespace taskhost
