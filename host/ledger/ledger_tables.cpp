#include "ledger/ledger_tables.h"

#include <Poco/Data/Statement.h>

#include <algorithm>

#include "ledger/journal_row.h"
#include "ledger/placeholders.h"

namespace taskhost {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Int64;

// Rows per multi-row statement: far under SQLite's 32766 and PostgreSQL's 65535 parameters.
constexpr size_t kRowsPerStatement = 100;

}  // namespace

std::optional<JournalEntry> select_journal_entry(Poco::Data::Session& db, const SqlDialect& dialect,
                                                 const std::string& key, bool for_update) {
    TaskIdentity identity;
    identity.key = key;
    std::map<std::string, JournalEntry> found =
        select_journal_entries(db, dialect, {&identity}, for_update);
    if (found.empty()) {
        return std::nullopt;
    }
    return std::move(found.begin()->second);
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

void ensure_journal_entries(Poco::Data::Session& db, const SqlDialect& dialect,
                            const std::vector<const TaskIdentity*>& identities) {
    for (size_t at = 0; at < identities.size(); at += kRowsPerStatement) {
        const size_t n = std::min(kRowsPerStatement, identities.size() - at);
        Placeholders p(dialect);
        std::string values;
        for (size_t r = 0; r < n; ++r) {
            values += r == 0 ? "(" : ", (";
            values += p.list(9);
            values += ", 0, 0, '', 0, '', 0, 0)";
        }
        Poco::Data::Statement insert(db);
        insert << std::string("INSERT INTO taskhost_journal (") + kJournalColumns + ") VALUES " +
                      values + " ON CONFLICT (key) DO NOTHING";
        for (size_t r = at; r < at + n; ++r) {
            const TaskIdentity& id = *identities[r];
            insert, bind(id.key), bind(id.account), bind(id.task), bind(id.canonical_params),
                bind(id.params_digest), bind(id.manifest), bind(id.name), bind(id.subject_id),
                bind(id.subject_name);
        }
        insert.execute();
    }
}

std::map<std::string, JournalEntry> select_journal_entries(
    Poco::Data::Session& db, const SqlDialect& dialect,
    const std::vector<const TaskIdentity*>& identities, bool for_update) {
    std::map<std::string, JournalEntry> entries;
    for (size_t at = 0; at < identities.size(); at += kRowsPerStatement) {
        const size_t n = std::min(kRowsPerStatement, identities.size() - at);
        Placeholders p(dialect);
        std::vector<std::string> key, account, task, params, digest, manifest, name, subject_id,
            subject_name, owner, last_result;
        std::vector<Int64> last_sent, sending, lease, result_at, in_doubt;
        Poco::Data::Statement select(db);
        // ORDER BY key: PostgreSQL locks the rows in that order, the order every group uses.
        select << std::string("SELECT ") + kJournalColumns +
                      " FROM taskhost_journal WHERE key IN (" + p.list(n) + ") ORDER BY key" +
                      (for_update ? dialect.for_update : std::string()),
            into(key), into(account), into(task), into(params), into(digest), into(manifest),
            into(name), into(subject_id), into(subject_name), into(last_sent), into(sending),
            into(owner), into(lease), into(last_result), into(result_at), into(in_doubt);
        for (size_t r = at; r < at + n; ++r) {
            select, bind(identities[r]->key);
        }
        select.execute();
        for (size_t i = 0; i < key.size(); ++i) {
            JournalRow row{key[i],          account[i],     task[i],      params[i],
                           digest[i],       manifest[i],    name[i],      subject_id[i],
                           subject_name[i], last_sent[i],   sending[i],   owner[i],
                           lease[i],        last_result[i], result_at[i], in_doubt[i]};
            entries.emplace(key[i], journal_entry(std::move(row)));
        }
    }
    return entries;
}

// The many-row writes below are one single-row statement executed for each row of column
// vectors (Poco binds row by row and prepares once): a statement with a VALUES list per row took
// longer to parse than to run.
void upsert_journal_entries(Poco::Data::Session& db, const SqlDialect& dialect,
                            const std::vector<const JournalEntry*>& rows) {
    if (rows.empty()) {
        return;
    }
    std::vector<std::string> key, account, task, params, digest, manifest, name, subject_id,
        subject_name, owner, last_result;
    std::vector<Int64> last_sent, sending, lease, result_at, in_doubt;
    for (const JournalEntry* e : rows) {
        JournalRow row = journal_row(*e);
        key.push_back(std::move(row.key));
        account.push_back(std::move(row.account));
        task.push_back(std::move(row.task));
        params.push_back(std::move(row.params));
        digest.push_back(std::move(row.params_digest));
        manifest.push_back(std::move(row.manifest));
        name.push_back(std::move(row.name));
        subject_id.push_back(std::move(row.subject_id));
        subject_name.push_back(std::move(row.subject_name));
        last_sent.push_back(row.last_sent_at);
        sending.push_back(row.sending_since);
        owner.push_back(std::move(row.sending_owner));
        lease.push_back(row.lease_until);
        last_result.push_back(std::move(row.last_result));
        result_at.push_back(row.last_result_at);
        in_doubt.push_back(row.last_in_doubt);
    }
    Placeholders p(dialect);
    db << std::string("INSERT INTO taskhost_journal (") + kJournalColumns + ") VALUES (" +
              p.list(16) + kJournalUpsertTail,
        use(key), use(account), use(task), use(params), use(digest), use(manifest), use(name),
        use(subject_id), use(subject_name), use(last_sent), use(sending), use(owner), use(lease),
        use(last_result), use(result_at), use(in_doubt), now;
}

void insert_history_rows(Poco::Data::Session& db, const SqlDialect& dialect,
                         const std::vector<HistoryRecord>& records) {
    if (records.empty()) {
        return;
    }
    std::vector<Int64> at, in_doubt, uid, pid;
    std::vector<std::string> account, task, task_id, subject_id, subject_name, digest, status,
        reason, source, host, msg;
    for (const HistoryRecord& r : records) {
        at.push_back(to_epoch_ms(r.at));
        account.push_back(r.account);
        task.push_back(r.task);
        task_id.push_back(r.task_id);
        subject_id.push_back(r.subject_id);
        subject_name.push_back(r.subject_name);
        digest.push_back(r.params_digest);
        status.push_back(r.status);
        reason.push_back(r.reason);
        in_doubt.push_back(r.in_doubt ? 1 : 0);
        source.push_back(r.source);
        host.push_back(r.host);
        uid.push_back(r.uid);
        pid.push_back(r.pid);
        msg.push_back(r.msg);
    }
    Placeholders p(dialect);
    db << std::string("INSERT INTO taskhost_history (") + kHistoryColumns + ") VALUES (" +
              p.list(15) + ")",
        use(at), use(account), use(task), use(task_id), use(subject_id), use(subject_name),
        use(digest), use(status), use(reason), use(in_doubt), use(source), use(host), use(uid),
        use(pid), use(msg), now;
}

void answer_turns(Poco::Data::Session& db, const SqlDialect& dialect,
                  const std::vector<int64_t>& turns, int64_t now_ms) {
    for (size_t at = 0; at < turns.size(); at += kRowsPerStatement) {
        const size_t n = std::min(kRowsPerStatement, turns.size() - at);
        Placeholders p(dialect);
        const std::string answered = p.next();
        // By id alone: with "bucket = ..." too, SQLite walks the bucket's index, every turn of
        // the window, instead of looking each id up (ids are unique across buckets).
        Poco::Data::Statement update(db);
        update << "UPDATE taskhost_pacing_turn SET answered_at = " + answered + " WHERE id IN (" +
                      p.list(n) + ")",
            bind(Int64(now_ms));
        for (size_t i = at; i < at + n; ++i) {
            update, bind(Int64(turns[i]));
        }
        update.execute();
    }
}

}  // namespace taskhost
