// The ledger's schema on each backend: a fresh SQLite file is private, anything that is not a
// taskhost ledger is refused and left as it was, a newer schema is refused, PostgreSQL must be
// migrated first, migrating again is harmless, and migrate imports the old journal files.
#include <sys/stat.h>

#include <filesystem>

#include "host_test_support.h"
#include "ledger/journal_key.h"
#include "ledger_backend_fixture.h"

namespace taskhost_test {
namespace {

using namespace taskhost;
using std::chrono::hours;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

using LedgerSchema = LedgerBackendTest;

TEST_P(LedgerSchema, MigratingTwiceIsHarmlessAndKeepsTheJournal) {
    const Result<OpenedLedger> first = open(LedgerAccess::kMigrate);
    ASSERT_TRUE(first.ok()) << first.error().text();
    EXPECT_TRUE(contains(first.value().report, "schema 0 -> 1")) << first.value().report;
    const TaskIdentity id = test_identity("prod", "a.example");
    ASSERT_TRUE(first.value().ledger->claim(id, ResendPolicy{hours(1), false}, test_caller()).ok());

    const Result<OpenedLedger> again = open(LedgerAccess::kMigrate);
    ASSERT_TRUE(again.ok()) << again.error().text();
    EXPECT_TRUE(contains(again.value().report, "schema 1 is current")) << again.value().report;
    const Result<LedgerVerdict> verdict =
        again.value().ledger->judge(id, ResendPolicy{hours(1), false});
    ASSERT_TRUE(verdict.ok()) << verdict.error().text();
    EXPECT_EQ(verdict.value().reason, "in_progress");
}

TEST_P(LedgerSchema, ASchemaWrittenByANewerTaskhostIsRefused) {
    ASSERT_TRUE(open(LedgerAccess::kMigrate).ok());
    execute_sql("UPDATE taskhost_meta SET value = '99' WHERE name = 'schema_version'");
    for (LedgerAccess access :
         {LedgerAccess::kReadWrite, LedgerAccess::kMigrate, LedgerAccess::kReadOnly}) {
        const Result<OpenedLedger> opened = open(access);
        ASSERT_FALSE(opened.ok());
        EXPECT_TRUE(contains(opened.error().text(), "newer")) << opened.error().text();
        EXPECT_TRUE(contains(opened.error().text(), "schema 99")) << opened.error().text();
    }
}

// An old journal entry as taskhost wrote it before the ledger (resend_journal.cpp's write()).
std::string old_entry(const TaskIdentity& id, WallClock::time_point sent) {
    const std::string at = format_utc(sent);
    return "{\"version\":1,\"key\":\"" + id.key + "\",\"account\":\"" + id.account +
           "\",\"task\":\"" + id.task + "\",\"params\":" + id.canonical_params +
           ",\"manifest\":\"/etc/taskhost/manifests/dcv.json\",\"name\":\"" + id.name +
           "\",\"last_sent_at\":\"" + at + "\",\"last_result\":\"sent\",\"last_result_at\":\"" +
           at + "\"}\n";
}

TEST_P(LedgerSchema, MigrateImportsTheOldJournalFilesAndReportsADamagedOne) {
    const std::string journal = state_dir() + "/journal";
    std::filesystem::create_directories(journal);
    ::chmod(state_dir().c_str(), 0700);
    const WallClock::time_point sent = from_epoch_ms(to_epoch_ms(WallClock::now() - hours(1)));
    const TaskIdentity a = test_identity("prod", "a.example");
    const TaskIdentity b = test_identity("staging", "b.example");
    const TaskIdentity damaged = test_identity("prod", "damaged.example");
    write_file(journal + "/" + a.key + ".json", old_entry(a, sent), 0600);
    write_file(journal + "/" + b.key + ".json", old_entry(b, sent - hours(2)), 0600);
    write_file(journal + "/" + damaged.key + ".json", "{\"version\":1,\"key\":", 0600);
    // A format this taskhost does not know is not guessed at (it used to be read as version 1).
    const TaskIdentity future = test_identity("prod", "future.example");
    std::string v2 = old_entry(future, sent);
    v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
    write_file(journal + "/" + future.key + ".json", v2, 0600);

    const Result<OpenedLedger> migrated = open(LedgerAccess::kMigrate);
    ASSERT_TRUE(migrated.ok()) << migrated.error().text();
    const std::string& report = migrated.value().report;
    EXPECT_TRUE(contains(report, "imported 2 entries")) << report;
    EXPECT_TRUE(contains(report, "not imported")) << report;
    EXPECT_TRUE(contains(report, damaged.key + ".json")) << report;
    EXPECT_TRUE(contains(report, "format version 2")) << report;

    const std::unique_ptr<Ledger> ledger = open_migrated();
    const ResendPolicy day{hours(24), false};
    const Result<LedgerVerdict> va = ledger->judge(a, day);
    ASSERT_TRUE(va.ok()) << va.error().text();
    EXPECT_EQ(va.value().reason, "within_interval");
    EXPECT_EQ(va.value().last_sent_at, sent);
    const Result<LedgerVerdict> vb = ledger->claim(b, day, test_caller());
    ASSERT_TRUE(vb.ok()) << vb.error().text();
    EXPECT_EQ(vb.value().reason, "within_interval");
    EXPECT_EQ(vb.value().last_sent_at, sent - hours(2));
    const Result<LedgerVerdict> vf = ledger->judge(future, day);
    ASSERT_TRUE(vf.ok()) << vf.error().text();
    EXPECT_EQ(vf.value().reason, "never_sent");
    const Result<LedgerVerdict> vd = ledger->judge(damaged, day);
    ASSERT_TRUE(vd.ok()) << vd.error().text();
    EXPECT_EQ(vd.value().reason, "never_sent");
    // The files stay where they were.
    EXPECT_TRUE(std::filesystem::exists(journal + "/" + a.key + ".json"));
}

TEST_P(LedgerSchema, AnotherProgramsTablesAreRefusedAndLeftAlone) {
    if (postgresql()) {
        // A shared database may hold other programs' tables: only taskhost_* ones count.
        execute_sql("CREATE TABLE customers (id INTEGER)");
        execute_sql("CREATE TABLE taskhost_lookalike (id INTEGER)");
    } else {
        std::filesystem::create_directories(state_dir());
        ::chmod(state_dir().c_str(), 0700);
        execute_sql("CREATE TABLE customers (id INTEGER, name TEXT)");
        ::chmod(sqlite_path().c_str(), 0600);
    }
    const std::string before = postgresql() ? "" : read_file(sqlite_path());
    for (LedgerAccess access :
         {LedgerAccess::kMigrate, LedgerAccess::kReadWrite, LedgerAccess::kReadOnly}) {
        const Result<OpenedLedger> opened = open(access);
        ASSERT_FALSE(opened.ok());
        EXPECT_TRUE(contains(opened.error().text(), "another program's data"))
            << opened.error().text();
        EXPECT_TRUE(contains(opened.error().text(), "left untouched")) << opened.error().text();
    }
    if (postgresql()) {
        EXPECT_THROW(execute_sql("SELECT 1 FROM taskhost_meta"), std::runtime_error);
        execute_sql("DROP TABLE taskhost_lookalike");
        const Result<OpenedLedger> opened = open(LedgerAccess::kMigrate);
        EXPECT_TRUE(opened.ok()) << opened.error().text();
    } else {
        // Compared whole, not printed: a difference would print every byte of the file.
        EXPECT_TRUE(read_file(sqlite_path()) == before) << "the foreign database was written";
        EXPECT_FALSE(std::filesystem::exists(sqlite_path() + "-wal"));
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerSchema,
                         testing::Values(LedgerBackend::kSqlite, LedgerBackend::kPostgresql),
                         ledger_backend_name);

// What only one backend has: the SQLite file in the state directory, PostgreSQL's migrate step.
class LedgerSqliteFile : public LedgerBackendTest {};

TEST_P(LedgerSqliteFile, AFreshLedgerFileIsCreatedPrivate) {
    const Result<OpenedLedger> opened = open(LedgerAccess::kReadWrite);
    ASSERT_TRUE(opened.ok()) << opened.error().text();
    struct stat st {};
    ASSERT_EQ(::stat(sqlite_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(state_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    // In WAL mode (bytes 18 and 19 of the header: 2), so that readers never wait for a commit.
    const std::string header = read_file(sqlite_path()).substr(0, 20);
    ASSERT_EQ(header.size(), 20u);
    EXPECT_EQ(header[18], 2);
    EXPECT_EQ(header[19], 2);
}

TEST_P(LedgerSqliteFile, AFileThatIsNotSqliteIsRefusedAndLeftByteIdentical) {
    std::filesystem::create_directories(state_dir());
    ::chmod(state_dir().c_str(), 0700);
    write_file(sqlite_path(), "hello", 0600);
    for (LedgerAccess access :
         {LedgerAccess::kReadWrite, LedgerAccess::kMigrate, LedgerAccess::kReadOnly}) {
        const Result<OpenedLedger> opened = open(access);
        ASSERT_FALSE(opened.ok());
        EXPECT_TRUE(contains(opened.error().text(), "SQLite ledger " + sqlite_path()))
            << opened.error().text();
        EXPECT_TRUE(contains(opened.error().text(), "is not a SQLite database"))
            << opened.error().text();
    }
    EXPECT_EQ(read_file(sqlite_path()), "hello");
}

// The last connection to close leaves the WAL in place (no checkpoint on close: every commit in it
// is durable already); the next process reads its commits from it and writes on after them.
TEST_P(LedgerSqliteFile, TheWalOutlivesTheLastConnectionAndTheNextOneReadsIt) {
    const TaskIdentity id = test_identity("prod", "wal.example");
    const ResendPolicy day{hours(24), false};
    {
        const std::unique_ptr<Ledger> ledger = open_migrated();
        const Result<LedgerVerdict> claimed = ledger->claim(id, day, test_caller());
        ASSERT_TRUE(claimed.ok()) << claimed.error().text();
        Completion sent;
        sent.status = "succeeded";
        sent.sent = true;
        const Check completed = ledger->complete(id, claimed.value(), test_caller(), sent);
        ASSERT_FALSE(completed) << completed->text();
    }
    struct stat wal {};
    ASSERT_EQ(::stat((sqlite_path() + "-wal").c_str(), &wal), 0) << "the WAL was deleted";
    EXPECT_GT(wal.st_size, 0);
    EXPECT_EQ(wal.st_mode & 07777, 0600u);

    const std::unique_ptr<Ledger> next = open_migrated();
    const Result<LedgerVerdict> again = next->claim(id, day, test_caller("task-2"));
    ASSERT_TRUE(again.ok()) << again.error().text();
    EXPECT_EQ(again.value().action, LedgerVerdict::Action::kWithinInterval);
    const Result<LedgerVerdict> other =
        next->claim(test_identity("prod", "other.example"), day, test_caller("task-3"));
    ASSERT_TRUE(other.ok()) << other.error().text();
    EXPECT_EQ(other.value().action, LedgerVerdict::Action::kSend);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerSqliteFile, testing::Values(LedgerBackend::kSqlite),
                         ledger_backend_name);

class LedgerPostgresqlMigrate : public LedgerBackendTest {};

TEST_P(LedgerPostgresqlMigrate, AnUnmigratedDatabaseIsRefusedUntilMigrated) {
    for (LedgerAccess access : {LedgerAccess::kReadWrite, LedgerAccess::kReadOnly}) {
        const Result<OpenedLedger> opened = open(access);
        ASSERT_FALSE(opened.ok());
        EXPECT_TRUE(contains(opened.error().text(), "has no ledger schema yet"))
            << opened.error().text();
        EXPECT_TRUE(contains(opened.error().text(), "`taskhost ledger migrate`"))
            << opened.error().text();
    }
    EXPECT_THROW(execute_sql("SELECT 1 FROM taskhost_meta"), std::runtime_error);
    ASSERT_TRUE(open(LedgerAccess::kMigrate).ok());
    const Result<OpenedLedger> opened = open(LedgerAccess::kReadWrite);
    EXPECT_TRUE(opened.ok()) << opened.error().text();
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerPostgresqlMigrate,
                         testing::Values(LedgerBackend::kPostgresql), ledger_backend_name);

}  // namespace
}  // namespace taskhost_test
