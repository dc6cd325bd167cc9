// The history on each backend: a row for every send and every refusal, newest first, filtered by
// subject (name or id), account, time and limit; its JSON shape; --since as a duration or a time.
#include <Poco/JSON/Stringifier.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "ledger/history_json.h"
#include "ledger/process_identity.h"
#include "ledger_backend_fixture.h"

namespace taskhost_test {
namespace {

using namespace taskhost;
using std::chrono::hours;
using std::chrono::milliseconds;

class LedgerHistory : public LedgerBackendTest {
  protected:
    // Four rows, 20 ms apart (so that their times differ), oldest first:
    //   succeeded  prod     a.example  (claimed never_sent, sent)
    //   skipped    prod     a.example  (within_interval)
    //   refused    staging  b.example  (no_key, before any claim)
    //   failed     staging  b.example  (the plugin learned its id: learned-b)
    void write_rows(Ledger& ledger) {
        const ResendPolicy day{hours(24), false};
        const TaskIdentity a = test_identity("prod", "a.example");
        const TaskIdentity b = test_identity("staging", "b.example");
        const Caller caller = test_caller();
        const Result<LedgerVerdict> sent = ledger.claim(a, day, caller);
        ASSERT_TRUE(sent.ok()) << sent.error().text();
        Completion done;
        done.status = "succeeded";
        done.sent = true;
        done.msg = "email sent";
        ASSERT_FALSE(ledger.complete(a, sent.value(), caller, done));
        std::this_thread::sleep_for(milliseconds(20));
        ASSERT_TRUE(ledger.claim(a, day, test_caller("task-2")).ok());
        std::this_thread::sleep_for(milliseconds(20));
        ASSERT_FALSE(ledger.record_refusal(b, test_caller("task-3"), "no_key", "no API key"));
        std::this_thread::sleep_for(milliseconds(20));
        const Result<LedgerVerdict> tried = ledger.claim(b, day, caller);
        ASSERT_TRUE(tried.ok()) << tried.error().text();
        Completion failed;
        failed.status = "failed";
        failed.msg = "HTTP 500";
        failed.subject_id = "learned-b";
        ASSERT_FALSE(ledger.complete(b, tried.value(), test_caller("task-4"), failed));
    }

    std::vector<std::string> statuses(Ledger& ledger, const HistoryQuery& query) {
        const Result<std::vector<HistoryRecord>> rows = ledger.history(query);
        EXPECT_TRUE(rows.ok()) << rows.error().text();
        std::vector<std::string> out;
        for (const HistoryRecord& row : rows.ok() ? rows.value() : std::vector<HistoryRecord>{}) {
            out.push_back(row.status);
        }
        return out;
    }
};

using Statuses = std::vector<std::string>;

TEST_P(LedgerHistory, RowsForSendsAndRefusalsNewestFirstWithWhoAndWhy) {
    const std::unique_ptr<Ledger> ledger = open_migrated();
    ASSERT_NO_FATAL_FAILURE(write_rows(*ledger));
    const Result<std::vector<HistoryRecord>> rows = ledger->history(HistoryQuery{});
    ASSERT_TRUE(rows.ok()) << rows.error().text();
    const std::vector<HistoryRecord>& all = rows.value();
    ASSERT_EQ(statuses(*ledger, HistoryQuery{}),
              (Statuses{"failed", "refused", "skipped", "succeeded"}));
    for (size_t i = 1; i < all.size(); ++i) {
        EXPECT_GT(all[i - 1].id, all[i].id);
        EXPECT_GT(all[i - 1].at, all[i].at);
    }
    const HistoryRecord& sent = all[3];
    const TaskIdentity a = test_identity("prod", "a.example");
    EXPECT_EQ(sent.account, "prod");
    EXPECT_EQ(sent.task, "resend_dcv");
    EXPECT_EQ(sent.task_id, "task-1");
    EXPECT_EQ(sent.subject_name, "a.example");
    EXPECT_EQ(sent.subject_id, "id-a.example");
    EXPECT_EQ(sent.params_digest, a.params_digest);
    EXPECT_EQ(sent.reason, "never_sent");
    EXPECT_FALSE(sent.in_doubt);
    EXPECT_EQ(sent.source, "run");
    EXPECT_EQ(sent.host, this_host_name());
    EXPECT_EQ(sent.uid, static_cast<int64_t>(::getuid()));
    EXPECT_EQ(sent.pid, static_cast<int64_t>(::getpid()));
    EXPECT_EQ(sent.msg, "email sent");
    EXPECT_LT(WallClock::now() - sent.at, std::chrono::minutes(1));
    EXPECT_EQ(all[2].reason, "within_interval");
    EXPECT_EQ(all[2].task_id, "task-2");
    EXPECT_NE(all[2].msg.find("already sent at"), std::string::npos) << all[2].msg;
    EXPECT_EQ(all[1].reason, "no_key");
    EXPECT_EQ(all[1].msg, "no API key");
    EXPECT_EQ(all[0].subject_id, "learned-b");
    EXPECT_EQ(all[0].subject_name, "b.example");
    EXPECT_EQ(all[0].msg, "HTTP 500");
}

TEST_P(LedgerHistory, FiltersBySubjectAccountSinceAndLimit) {
    const std::unique_ptr<Ledger> ledger = open_migrated();
    ASSERT_NO_FATAL_FAILURE(write_rows(*ledger));
    const Result<std::vector<HistoryRecord>> all = ledger->history(HistoryQuery{});
    ASSERT_TRUE(all.ok() && all.value().size() == 4);
    HistoryQuery query;
    query.subject = "a.example";
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"skipped", "succeeded"}));
    query.subject = "id-a.example";
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"skipped", "succeeded"}));
    query.subject = "learned-b";
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"failed"}));
    query = HistoryQuery{};
    query.account = "staging";
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"failed", "refused"}));
    query = HistoryQuery{};
    query.since = all.value()[1].at;  // the refusal's time: it and the newer row
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"failed", "refused"}));
    query.since = WallClock::now() + hours(1);
    EXPECT_EQ(statuses(*ledger, query), Statuses{});
    query = HistoryQuery{};
    query.limit = 1;
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"failed"}));
    query.account = "prod";
    EXPECT_EQ(statuses(*ledger, query), (Statuses{"skipped"}));
    query.subject = "b.example";  // prod never touched b
    EXPECT_EQ(statuses(*ledger, query), Statuses{});
}

TEST_P(LedgerHistory, JsonHasOneShapeForTheCliAndTheApi) {
    const std::unique_ptr<Ledger> ledger = open_migrated();
    ASSERT_NO_FATAL_FAILURE(write_rows(*ledger));
    const Result<std::vector<HistoryRecord>> rows = ledger->history(HistoryQuery{});
    ASSERT_TRUE(rows.ok() && rows.value().size() == 4);
    const HistoryRecord& r = rows.value()[3];
    std::ostringstream json;
    Poco::JSON::Stringifier::stringify(history_json(r), json);
    const std::string expected =
        "{\"at\":\"" + format_utc(r.at) +
        "\",\"status\":\"succeeded\",\"reason\":\"never_sent\",\"in_doubt\":false,"
        "\"source\":\"run\",\"account\":\"prod\",\"task\":\"resend_dcv\",\"task_id\":\"task-1\","
        "\"subject\":{\"id\":\"id-a.example\",\"name\":\"a.example\"},\"params_digest\":\"" +
        r.params_digest + "\",\"host\":\"" + this_host_name() +
        "\",\"uid\":" + std::to_string(::getuid()) + ",\"pid\":" + std::to_string(::getpid()) +
        ",\"msg\":\"email sent\"}";
    EXPECT_EQ(json.str(), expected);
    const Poco::JSON::Array::Ptr list = history_json(rows.value());
    ASSERT_EQ(list->size(), 4u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("status"), "failed");
    EXPECT_EQ(list->getObject(0)->getObject("subject")->getValue<std::string>("id"), "learned-b");
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerHistory,
                         testing::Values(LedgerBackend::kSqlite, LedgerBackend::kPostgresql),
                         ledger_backend_name);

TEST(LedgerHistorySince, ADurationBackFromNowOrAUtcTimeAndAnErrorNamingTheField) {
    const WallClock::time_point now = WallClock::now();
    const Result<WallClock::time_point> week = parse_since("7d", "--since", now);
    ASSERT_TRUE(week.ok()) << week.error().text();
    EXPECT_EQ(week.value(), now - hours(24 * 7));
    const Result<WallClock::time_point> mixed = parse_since("1h30m", "--since", now);
    ASSERT_TRUE(mixed.ok()) << mixed.error().text();
    EXPECT_EQ(mixed.value(), now - std::chrono::minutes(90));
    const Result<WallClock::time_point> at = parse_since("2026-11-01T00:00:00.250Z", "since", now);
    ASSERT_TRUE(at.ok()) << at.error().text();
    EXPECT_EQ(to_epoch_ms(at.value()), 1793491200250);

    const Result<WallClock::time_point> bad = parse_since("yesterday", "--since", now);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().where, "--since");
    EXPECT_NE(bad.error().text().find("\"yesterday\""), std::string::npos) << bad.error().text();
    EXPECT_FALSE(parse_since("2026-11-01", "--since", now).ok());
    EXPECT_FALSE(parse_since("", "--since", now).ok());
}

}  // namespace
}  // namespace taskhost_test
