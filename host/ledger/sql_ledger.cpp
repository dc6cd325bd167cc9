#include "ledger/sql_ledger.h"

#include "ledger/journal_changes.h"
#include "ledger/journal_verdict.h"
#include "ledger/ledger_tables.h"
#include "ledger/process_identity.h"
#include "ledger/sqlite_tables.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

constexpr size_t kMaxHistoryMsg = 300;

}  // namespace

HistoryRecord history_record(const TaskIdentity& identity, const Caller& caller,
                             WallClock::time_point at, const std::string& status,
                             const std::string& reason, bool in_doubt, const std::string& msg) {
    HistoryRecord record;
    record.at = at;
    record.account = identity.account;
    record.task = identity.task;
    record.task_id = caller.task_id;
    record.subject_id = identity.subject_id;
    record.subject_name = identity.subject_name;
    record.params_digest = identity.params_digest;
    record.status = status;
    record.reason = reason;
    record.in_doubt = in_doubt;
    record.source = task_source_name(caller.source);
    record.host = caller.host;
    record.uid = caller.uid;
    record.pid = caller.pid;
    record.msg = printable(msg, kMaxHistoryMsg);
    return record;
}

SqlLedger::SqlLedger(SqlLedgerOptions options)
    : options_(std::move(options)),
      writer_(options_.writer),
      reader_(options_.reader),
      group_(writer_),
      budget_(writer_, group_, options_.pacing_margin) {}

Result<LedgerVerdict> SqlLedger::judge(const TaskIdentity& identity, const ResendPolicy& policy) {
    if (options_.absent) {
        return judge_entry(std::nullopt, policy, WallClock::now(), owner_alive);
    }
    LedgerVerdict verdict;
    const Check bad = reader_.with_session([&](Poco::Data::Session& db) {
        const SqlDialect& dialect = *reader_.target().dialect;
        // On SQLite, the statements the connection keeps prepared: through Poco::Data each
        // judge compiled its two statements again, most of a plan's CPU (issue 12's profile).
        SqliteStatements* native = reader_.native_statements();
        const int64_t now_ms =
            native != nullptr ? sqlite_now_ms(*native) : database_now_ms(db, dialect);
        const std::optional<JournalEntry> entry =
            native != nullptr ? sqlite_select_journal_entry(*native, identity)
                              : select_journal_entry(db, dialect, identity.key, false);
        verdict = judge_entry(entry, policy, from_epoch_ms(now_ms), owner_alive);
    });
    if (bad) {
        return *bad;
    }
    return verdict;
}

Result<LedgerVerdict> SqlLedger::claim(const TaskIdentity& identity, const ResendPolicy& policy,
                                       const Caller& caller) {
    if (options_.absent) {
        return writer_.error("was opened read-only");
    }
    LedgerVerdict verdict;
    const int64_t lease_ms = options_.intent_lease.count();
    const Check bad = group_.run(
        identity.key,
        [&](Poco::Data::Session&, int64_t now_ms, WriteBatch& batch) {
            JournalEntry& entry = batch.entry(identity.key);
            verdict = judge_entry(entry, policy, from_epoch_ms(now_ms), owner_alive);
            if (verdict.action == LedgerVerdict::Action::kSend) {
                mark_intent(entry, identity, now_ms, caller.owner, now_ms + lease_ms);
                batch.changed(identity.key);
                return;
            }
            batch.add_history(history_record(identity, caller, from_epoch_ms(now_ms), "skipped",
                                             verdict.reason, false,
                                             not_sent_msg(verdict, policy.interval)));
        },
        &identity);
    if (bad) {
        return *bad;
    }
    return verdict;
}

Check SqlLedger::complete(const TaskIdentity& identity, const LedgerVerdict& claimed,
                          const Caller& caller, const Completion& completion) {
    if (options_.absent) {
        return writer_.error("was opened read-only");
    }
    return group_.run(
        identity.key,
        [&](Poco::Data::Session&, int64_t now_ms, WriteBatch& batch) {
            JournalEntry& entry = batch.entry(identity.key);
            mark_completion(entry, identity, completion, now_ms);
            batch.changed(identity.key);
            TaskIdentity learned = identity;
            learned.subject_id = entry.identity.subject_id;
            learned.subject_name = entry.identity.subject_name;
            batch.add_history(history_record(
                learned, caller, from_epoch_ms(now_ms), completion.status, claimed.reason,
                claimed.in_doubt || completion.in_doubt, completion.msg));
        },
        &identity, /*durable=*/false);
}

Check SqlLedger::record_refusal(const TaskIdentity& identity, const Caller& caller,
                                const std::string& reason, const std::string& msg) {
    if (options_.absent) {
        return std::nullopt;
    }
    return group_.run(
        identity.key,
        [&](Poco::Data::Session&, int64_t now_ms, WriteBatch& batch) {
            batch.add_history(history_record(identity, caller, from_epoch_ms(now_ms), "refused",
                                             reason, false, msg));
        },
        nullptr, /*durable=*/false);
}

Result<std::vector<HistoryRecord>> SqlLedger::history(const HistoryQuery& query) {
    std::vector<HistoryRecord> records;
    if (options_.absent) {
        return records;
    }
    const Check bad =
        reader_.with_session([&](Poco::Data::Session& db) { records = select_history(db, query); });
    if (bad) {
        return *bad;
    }
    return records;
}

}  // namespace taskhost
