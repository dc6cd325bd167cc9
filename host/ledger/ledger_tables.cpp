#include "ledger/ledger_tables.h"

#include <Poco/Data/Statement.h>

namespace taskhost {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Int64;

std::optional<WallClock::time_point> time_or_none(Int64 ms) {
    return ms > 0 ? std::optional<WallClock::time_point>(from_epoch_ms(ms)) : std::nullopt;
}

}  // namespace

std::optional<JournalEntry> select_journal_entry(Poco::Data::Session& db, const SqlDialect& dialect,
                                                 const std::string& key, bool for_update) {
    JournalEntry entry;
    TaskIdentity& id = entry.identity;
    Int64 last_sent = 0, sending = 0, lease = 0, result_at = 0, in_doubt = 0;
    std::string last_result;
    Poco::Data::Statement select(db);
    select << "SELECT key, account, task, params, params_digest, manifest, name, subject_id,"
              " subject_name, last_sent_at, sending_since, sending_owner, lease_until,"
              " last_result, last_result_at, last_in_doubt FROM taskhost_journal WHERE key = $1" +
                  (for_update ? dialect.for_update : std::string()),
        into(id.key), into(id.account), into(id.task), into(id.canonical_params),
        into(id.params_digest), into(id.manifest), into(id.name), into(id.subject_id),
        into(id.subject_name), into(last_sent), into(sending), into(entry.sending_owner),
        into(lease), into(last_result), into(result_at), into(in_doubt), bind(key);
    if (select.execute() == 0) {
        return std::nullopt;
    }
    entry.last_sent_at = time_or_none(last_sent);
    entry.sending_since = time_or_none(sending);
    entry.lease_until = time_or_none(lease);
    entry.last_result_at = time_or_none(result_at);
    if (!last_result.empty()) {
        entry.last_result = last_result;
    }
    entry.last_in_doubt = in_doubt != 0;
    return entry;
}

void ensure_journal_entry(Poco::Data::Session& db, const TaskIdentity& identity) {
    db << "INSERT INTO taskhost_journal (key, account, task, params, params_digest, manifest,"
          " name, subject_id, subject_name, last_sent_at, sending_since, sending_owner,"
          " lease_until, last_result, last_result_at, last_in_doubt)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, '', 0, '', 0, 0)"
          " ON CONFLICT (key) DO NOTHING",
        bind(identity.key), bind(identity.account), bind(identity.task),
        bind(identity.canonical_params), bind(identity.params_digest), bind(identity.manifest),
        bind(identity.name), bind(identity.subject_id), bind(identity.subject_name), now;
}

void write_intent(Poco::Data::Session& db, const TaskIdentity& identity, int64_t now_ms,
                  const std::string& owner, int64_t lease_until_ms) {
    db << "UPDATE taskhost_journal SET manifest = $1, name = $2, sending_since = $3,"
          " sending_owner = $4, lease_until = $5 WHERE key = $6",
        bind(identity.manifest), bind(identity.name), bind(Int64(now_ms)), bind(owner),
        bind(Int64(lease_until_ms)), bind(identity.key), now;
}

void write_completion(Poco::Data::Session& db, const TaskIdentity& identity,
                      const Completion& completion, int64_t now_ms) {
    // A send that may have arrived keeps its intent's meaning: last_in_doubt, and last_sent_at
    // moves only when the server accepted it.
    const std::string subject_id =
        completion.subject_id.empty() ? identity.subject_id : completion.subject_id;
    const std::string subject_name =
        completion.subject_name.empty() ? identity.subject_name : completion.subject_name;
    db << "UPDATE taskhost_journal SET sending_since = 0, sending_owner = '', lease_until = 0,"
          " last_sent_at = CASE WHEN $1 = 1 THEN $2 ELSE last_sent_at END,"
          " last_result = $3, last_result_at = $4, last_in_doubt = $5,"
          " subject_id = $6, subject_name = $7 WHERE key = $8",
        bind(Int64(completion.sent ? 1 : 0)), bind(Int64(now_ms)), bind(completion.status),
        bind(Int64(now_ms)), bind(Int64(completion.in_doubt ? 1 : 0)), bind(subject_id),
        bind(subject_name), bind(identity.key), now;
}

void import_journal_entry(Poco::Data::Session& db, const JournalEntry& entry) {
    const TaskIdentity& id = entry.identity;
    const auto ms = [](const std::optional<WallClock::time_point>& at) {
        return Int64(at ? to_epoch_ms(*at) : 0);
    };
    db << "INSERT INTO taskhost_journal (key, account, task, params, params_digest, manifest,"
          " name, subject_id, subject_name, last_sent_at, sending_since, sending_owner,"
          " lease_until, last_result, last_result_at, last_in_doubt)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', 0, $12, $13, 0)"
          " ON CONFLICT (key) DO NOTHING",
        bind(id.key), bind(id.account), bind(id.task), bind(id.canonical_params),
        bind(id.params_digest), bind(id.manifest), bind(id.name), bind(id.subject_id),
        bind(id.subject_name), bind(ms(entry.last_sent_at)), bind(ms(entry.sending_since)),
        bind(entry.last_result.value_or("")), bind(ms(entry.last_result_at)), now;
}

void insert_history(Poco::Data::Session& db, const HistoryRecord& r) {
    db << "INSERT INTO taskhost_history (at, account, task, task_id, subject_id, subject_name,"
          " params_digest, status, reason, in_doubt, source, host, uid, pid, msg)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        bind(Int64(to_epoch_ms(r.at))), bind(r.account), bind(r.task), bind(r.task_id),
        bind(r.subject_id), bind(r.subject_name), bind(r.params_digest), bind(r.status),
        bind(r.reason), bind(Int64(r.in_doubt ? 1 : 0)), bind(r.source), bind(r.host),
        bind(Int64(r.uid)), bind(Int64(r.pid)), bind(r.msg), now;
}

std::vector<HistoryRecord> select_history(Poco::Data::Session& db, const HistoryQuery& query) {
    std::string sql =
        "SELECT id, at, account, task, task_id, subject_id, subject_name, params_digest, status,"
        " reason, in_doubt, source, host, uid, pid, msg FROM taskhost_history WHERE 1 = 1";
    Poco::Data::Statement select(db);
    int n = 0;
    const auto next = [&n] { return "$" + std::to_string(++n); };
    std::vector<Int64> id, at, in_doubt, uid, pid;
    std::vector<std::string> account, task, task_id, subject_id, subject_name, digest, status,
        reason, source, host, msg;
    if (query.subject) {
        sql += " AND (subject_name = " + next();
        sql += " OR subject_id = " + next() + ")";
    }
    if (query.account) {
        sql += " AND account = " + next();
    }
    if (query.since) {
        sql += " AND at >= " + next();
    }
    sql += " ORDER BY id DESC LIMIT " + std::to_string(query.limit);
    select << sql, into(id), into(at), into(account), into(task), into(task_id), into(subject_id),
        into(subject_name), into(digest), into(status), into(reason), into(in_doubt), into(source),
        into(host), into(uid), into(pid), into(msg);
    if (query.subject) {
        select, bind(*query.subject), bind(*query.subject);
    }
    if (query.account) {
        select, bind(*query.account);
    }
    if (query.since) {
        select, bind(Int64(to_epoch_ms(*query.since)));
    }
    select.execute();
    std::vector<HistoryRecord> records(id.size());
    for (size_t i = 0; i < id.size(); ++i) {
        HistoryRecord& r = records[i];
        r.id = id[i];
        r.at = from_epoch_ms(at[i]);
        r.account = account[i];
        r.task = task[i];
        r.task_id = task_id[i];
        r.subject_id = subject_id[i];
        r.subject_name = subject_name[i];
        r.params_digest = digest[i];
        r.status = status[i];
        r.reason = reason[i];
        r.in_doubt = in_doubt[i] != 0;
        r.source = source[i];
        r.host = host[i];
        r.uid = uid[i];
        r.pid = pid[i];
        r.msg = msg[i];
    }
    return records;
}

}  // namespace taskhost
