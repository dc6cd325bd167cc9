// ResendJournal and JournalKey: what counts as the same resend, what the journal remembers,
// and how it says what to do next.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "manifest/journal_key.h"
#include "manifest/manifest_tasks.h"
#include "manifest/resend_journal.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;
using std::chrono::hours;

Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
}

const Object::Ptr kSchema = json(R"({"type":"object","properties":{
    "domain_id":{"type":"integer"},
    "email_array":{"type":"array","items":{"type":"string","format":"email"},"uniqueItems":true},
    "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true},
    "ordered":{"type":"array","items":{"type":"string"}}}})");

class StateDir : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "journal-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(&pattern[0]), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    JournalEntry entry(const std::string& key) {
        JournalEntry e;
        e.key = key;
        e.account = "prod";
        e.task = "digicert.dcv.resend";
        e.canonical_params = R"({"domain_id":1})";
        e.manifest = "m.json";
        e.name = "one";
        return e;
    }

    std::string dir_;
};

const std::string kKey(64, 'a');

TEST(JournalKey, KeyOrderAndSetOrderDoNotMatterButValuesDo) {
    const std::string a = canonical_params(
        json(R"({"email_array":["b@x.com","A@X.com","a@x.com"],"domain_id":1})"), kSchema);
    const std::string b =
        canonical_params(json(R"({"domain_id":1,"email_array":["a@x.com","b@x.com"]})"), kSchema);
    EXPECT_EQ(a, b);
    EXPECT_EQ(a, R"({"domain_id":1,"email_array":["a@x.com","b@x.com"]})");
    // A set of plain strings keeps case; an array the schema does not call a set keeps order.
    EXPECT_EQ(canonical_params(json(R"({"tags":["b","B","b"]})"), kSchema),
              R"({"tags":["B","b"]})");
    EXPECT_NE(canonical_params(json(R"({"ordered":["b","a"]})"), kSchema),
              canonical_params(json(R"({"ordered":["a","b"]})"), kSchema));
    EXPECT_NE(canonical_params(json(R"({"domain_id":1})"), kSchema),
              canonical_params(json(R"({"domain_id":2})"), kSchema));
    EXPECT_EQ(journal_key("prod", "t", a), journal_key("prod", "t", b));
    EXPECT_NE(journal_key("prod", "t", a), journal_key("test", "t", a));
    EXPECT_NE(journal_key("prod", "t", a), journal_key("prod", "u", a));
    EXPECT_EQ(journal_key("prod", "t", a).size(), 64u);
}

TEST(JournalVerdictRules, NeverSentWithinIntervalPassedForcedAndInDoubt) {
    const WallClock::time_point now = WallClock::now();
    EXPECT_EQ(judge_by_journal(std::nullopt, hours(24), now, false).reason, "never_sent");

    JournalEntry sent;
    sent.last_sent_at = now - hours(2);
    const JournalVerdict within = judge_by_journal(sent, hours(24), now, false);
    EXPECT_EQ(within.action, JournalVerdict::Action::kWithinInterval);
    EXPECT_EQ(within.next_due_at, now + hours(22));
    EXPECT_EQ(judge_by_journal(sent, hours(1), now, false).reason, "interval_passed");
    EXPECT_EQ(judge_by_journal(sent, hours(1), now, false).action, JournalVerdict::Action::kSend);
    EXPECT_EQ(judge_by_journal(sent, hours(24), now, true).reason, "forced");
    EXPECT_EQ(judge_by_journal(sent, std::chrono::seconds(0), now, false).action,
              JournalVerdict::Action::kSend);

    JournalEntry interrupted = sent;
    interrupted.sending_since = now - hours(1);
    const JournalVerdict doubt = judge_by_journal(interrupted, hours(24), now, false);
    EXPECT_EQ(doubt.action, JournalVerdict::Action::kSend);
    EXPECT_TRUE(doubt.in_doubt);
    EXPECT_EQ(doubt.reason, "in_doubt");
}

TEST_F(StateDir, IntentThenCompletionRoundTrips) {
    auto opened = ResendJournal::open_for_apply(dir_ + "/state");
    ASSERT_TRUE(opened.ok()) << opened.error().text();
    ResendJournal& journal = *opened.value();
    struct stat st {};
    ASSERT_EQ(::stat((dir_ + "/state/journal").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    auto none = journal.read(kKey);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none.value().has_value());

    const WallClock::time_point t1 = WallClock::now();
    ASSERT_FALSE(journal.record_intent(entry(kKey), t1));
    auto pending = journal.read(kKey);
    ASSERT_TRUE(pending.ok() && pending.value());
    EXPECT_TRUE(pending.value()->sending_since.has_value());
    EXPECT_FALSE(pending.value()->last_sent_at.has_value());

    const WallClock::time_point t2 = t1 + std::chrono::milliseconds(1500);
    ASSERT_FALSE(journal.record_sent(entry(kKey), t2));
    auto done = journal.read(kKey);
    ASSERT_TRUE(done.ok() && done.value());
    EXPECT_FALSE(done.value()->sending_since.has_value());
    EXPECT_EQ(format_utc(*done.value()->last_sent_at), format_utc(t2));
    EXPECT_EQ(done.value()->canonical_params, R"({"domain_id":1})");

    // A later attempt that fails clears its intent but keeps the last completion.
    ASSERT_FALSE(journal.record_intent(*done.value(), t2 + hours(30)));
    ASSERT_FALSE(journal.record_not_sent(*done.value(), "failed", t2 + hours(30)));
    auto failed = journal.read(kKey);
    ASSERT_TRUE(failed.ok() && failed.value());
    EXPECT_FALSE(failed.value()->sending_since.has_value());
    EXPECT_EQ(format_utc(*failed.value()->last_sent_at), format_utc(t2));
    EXPECT_EQ(failed.value()->last_result, "failed");
    // No temp file is left behind.
    for (const auto& file : fs::directory_iterator(dir_ + "/state/journal")) {
        EXPECT_EQ(file.path().filename().string().find(".tmp-"), std::string::npos);
    }
}

TEST_F(StateDir, SecondApplyOnTheSameStateDirIsRefusedNamingThePid) {
    auto first = ResendJournal::open_for_apply(dir_);
    ASSERT_TRUE(first.ok());
    auto second = ResendJournal::open_for_apply(dir_);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().text().find("pid " + std::to_string(::getpid())), std::string::npos)
        << second.error().text();
    first.value().reset();
    EXPECT_TRUE(ResendJournal::open_for_apply(dir_).ok());
}

TEST_F(StateDir, DamagedEntryIsAnErrorNamingTheFileAndPlanNeverWrites) {
    ASSERT_TRUE(ResendJournal::open_for_apply(dir_).ok());
    std::ofstream(dir_ + "/journal/" + kKey + ".json") << "{\"key\": \"not it\"";
    auto plan = ResendJournal::open_for_plan(dir_);
    ASSERT_TRUE(plan.ok());
    auto read = plan.value()->read(kKey);
    ASSERT_FALSE(read.ok());
    EXPECT_NE(read.error().text().find(kKey + ".json"), std::string::npos);
    EXPECT_NE(read.error().text().find("damaged"), std::string::npos);
    EXPECT_TRUE(plan.value()->record_intent(entry(kKey), WallClock::now()).has_value());
}

TEST_F(StateDir, StaleTempFilesFromAKilledWriterAreRemovedOnOpen) {
    ASSERT_TRUE(ResendJournal::open_for_apply(dir_).ok());
    const std::string stale = dir_ + "/journal/." + kKey + ".json.tmp-99999-0";
    std::ofstream(stale) << "{";
    ASSERT_TRUE(fs::exists(stale));
    ASSERT_TRUE(ResendJournal::open_for_apply(dir_).ok());
    EXPECT_FALSE(fs::exists(stale));
}

TEST_F(StateDir, StateDirWritableByOthersIsRefused) {
    fs::create_directories(dir_ + "/open");
    ::chmod((dir_ + "/open").c_str(), 0777);
    auto opened = ResendJournal::open_for_apply(dir_ + "/open");
    ASSERT_FALSE(opened.ok());
    EXPECT_NE(opened.error().text().find("writable by others"), std::string::npos)
        << opened.error().text();
}

TEST(UtcTime, FormatsAndParsesMilliseconds) {
    const WallClock::time_point t = WallClock::time_point(std::chrono::milliseconds(1700000000123));
    EXPECT_EQ(format_utc(t), "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(parse_utc("2023-11-14T22:13:20.123Z"), t);
    EXPECT_FALSE(parse_utc("2023-11-14 22:13:20").has_value());
}

}  // namespace
}  // namespace taskhost
