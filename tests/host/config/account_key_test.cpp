// AccountKey: a key from an env var or a 0600 key file, refused loudly otherwise, never shown.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ios>
#include <thread>
#include <vector>

#include "config/account_key.h"
#include "host_test_support.h"
#include "tasks/task_runner.h"

namespace taskhost {
namespace {

using taskhost_test::kCanaryKey;
using taskhost_test::TempDir;
using taskhost_test::write_file;

AccountConfig file_account(const std::string& path) {
    AccountConfig account;
    account.name = "sandbox";
    account.key_source = KeySource::kFile;
    account.key_file = path;
    return account;
}

AccountConfig env_account(const std::string& variable) {
    AccountConfig account;
    account.name = "prod-eu";
    account.key_source = KeySource::kEnvironment;
    account.key_env = variable;
    return account;
}

TEST(AccountKey, KeyFileWithMode0600IsAcceptedAndTrimmed) {
    TempDir dir;
    write_file(dir / "k", std::string(kCanaryKey) + " \r\n", 0600);
    Result<ApiKey> key = resolve_account_key(file_account(dir / "k"));
    ASSERT_TRUE(key.ok()) << key.error().text();
    EXPECT_EQ(key.value().reveal(), kCanaryKey);
}

TEST(AccountKey, KeyFileWithMode0400IsAccepted) {
    TempDir dir;
    write_file(dir / "k", kCanaryKey, 0400);
    EXPECT_TRUE(resolve_account_key(file_account(dir / "k")).ok());
}

TEST(AccountKey, KeyFileWithMode0644IsRefusedNamingModeAndChmod) {
    TempDir dir;
    write_file(dir / "k", kCanaryKey, 0644);
    Result<ApiKey> key = resolve_account_key(file_account(dir / "k"));
    ASSERT_FALSE(key.ok());
    EXPECT_NE(key.error().problem.find("0644"), std::string::npos) << key.error().text();
    EXPECT_EQ(key.error().fix, "chmod 600 " + (dir / "k"));
    EXPECT_NE(key.error().where.find("account sandbox"), std::string::npos);
    EXPECT_EQ(key.error().text().find(kCanaryKey), std::string::npos);
}

TEST(AccountKey, KeyFileReadableByGroupOnlyIsRefused) {
    TempDir dir;
    write_file(dir / "k", kCanaryKey, 0640);
    EXPECT_FALSE(resolve_account_key(file_account(dir / "k")).ok());
}

// The README says 0600 or 0400: an execute, setuid, setgid or sticky bit is refused too (0700
// and 4600 used to pass).
TEST(AccountKey, KeyFileModesOtherThan0600And0400AreRefused) {
    for (const mode_t mode : {0700, 04600, 02600, 01600, 0500, 0200, 0000}) {
        TempDir dir;
        write_file(dir / "k", kCanaryKey, mode);
        ::chmod((dir / "k").c_str(), mode);  // setuid and friends survive no umask
        Result<ApiKey> key = resolve_account_key(file_account(dir / "k"));
        ASSERT_FALSE(key.ok()) << std::oct << mode;
        EXPECT_EQ(key.error().fix, "chmod 600 " + (dir / "k")) << key.error().text();
        EXPECT_EQ(key.error().text().find(kCanaryKey), std::string::npos);
    }
}

TEST(AccountKey, KeyFileOwnedBySomeoneElseIsRefused) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root to give the file away";
    }
    TempDir dir;
    write_file(dir / "k", kCanaryKey, 0600);
    ASSERT_EQ(::chown((dir / "k").c_str(), 65534, 65534), 0);
    Result<ApiKey> key = resolve_account_key(file_account(dir / "k"));
    ASSERT_FALSE(key.ok());
    EXPECT_NE(key.error().problem.find("owned by uid 65534"), std::string::npos);
}

TEST(AccountKey, KeyFileTooLargeOrWithControlCharactersIsRefused) {
    TempDir dir;
    write_file(dir / "big", std::string(kMaxKeyFileBytes + 1, 'k'), 0600);
    Result<ApiKey> big = resolve_account_key(file_account(dir / "big"));
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().problem.find("4096"), std::string::npos);

    write_file(dir / "ctl", std::string(kCanaryKey) + "\nsecond line", 0600);
    Result<ApiKey> ctl = resolve_account_key(file_account(dir / "ctl"));
    ASSERT_FALSE(ctl.ok());
    EXPECT_NE(ctl.error().problem.find("control character"), std::string::npos);
    EXPECT_EQ(ctl.error().text().find(kCanaryKey), std::string::npos);

    write_file(dir / "empty", "\n", 0600);
    EXPECT_FALSE(resolve_account_key(file_account(dir / "empty")).ok());
}

TEST(AccountKey, MissingKeyFileIsRefusedNamingIt) {
    TempDir dir;
    Result<ApiKey> key = resolve_account_key(file_account(dir / "absent"));
    ASSERT_FALSE(key.ok());
    EXPECT_NE(key.error().where.find(dir / "absent"), std::string::npos);
}

TEST(AccountKey, KeyFromEnvironmentVariable) {
    ::setenv("TASKHOST_TEST_KEY", kCanaryKey, 1);
    Result<ApiKey> key = resolve_account_key(env_account("TASKHOST_TEST_KEY"));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key.value().reveal(), kCanaryKey);
    ::unsetenv("TASKHOST_TEST_KEY");
}

TEST(AccountKey, UnsetOrEmptyEnvironmentVariableIsRefusedNamingIt) {
    ::unsetenv("TASKHOST_TEST_KEY");
    Result<ApiKey> unset = resolve_account_key(env_account("TASKHOST_TEST_KEY"));
    ASSERT_FALSE(unset.ok());
    EXPECT_NE(unset.error().where.find("TASKHOST_TEST_KEY"), std::string::npos);
    EXPECT_NE(unset.error().problem.find("not set"), std::string::npos);

    ::setenv("TASKHOST_TEST_KEY", "", 1);
    Result<ApiKey> empty = resolve_account_key(env_account("TASKHOST_TEST_KEY"));
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().problem.find("empty"), std::string::npos);
    ::unsetenv("TASKHOST_TEST_KEY");
}

// A run reads each account's key once (issue 12: not once per task): every task of the run gets
// the same locked copy, even when the file changes or goes meanwhile.
TEST(AccountKey, AccountKeysReadsAnAccountsKeyOncePerRun) {
    TempDir dir;
    write_file(dir / "k", kCanaryKey, 0600);
    const AccountConfig account = file_account(dir / "k");
    AccountKeys keys;
    HostError error;
    const ApiKey* first = keys.get(account, error);
    ASSERT_NE(first, nullptr) << error.text();
    ASSERT_EQ(::unlink((dir / "k").c_str()), 0);  // a second read would fail now
    std::vector<const ApiKey*> seen(16);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&, i] {
            HostError own;
            seen[i] = keys.get(account, own);
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    for (const ApiKey* key : seen) {
        EXPECT_EQ(key, first);
    }
    EXPECT_EQ(first->view(), kCanaryKey);
}

}  // namespace
}  // namespace taskhost
