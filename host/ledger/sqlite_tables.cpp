#include "ledger/sqlite_tables.h"

#include "ledger/journal_row.h"
#include "ledger/placeholders.h"
#include "ledger/sql_dialect.h"

namespace taskhost {

int64_t sqlite_now_ms(SqliteStatements& db) {
    static const std::string sql = "SELECT " + sqlite_dialect().now_ms;
    SqliteStatements::Query now(db, sql);
    now.step();
    return now.integer(0);
}

std::map<std::string, JournalEntry> sqlite_select_journal_entries(
    SqliteStatements& db, const std::vector<const TaskIdentity*>& identities) {
    static const std::string sql =
        std::string("SELECT ") + kJournalColumns + " FROM taskhost_journal WHERE key = ?";
    std::map<std::string, JournalEntry> entries;
    for (const TaskIdentity* identity : identities) {
        SqliteStatements::Query select(db, sql);
        select.bind(identity->key);
        if (!select.step()) {
            continue;
        }
        JournalRow row{
            select.text(0),     select.text(1),    select.text(2),     select.text(3),
            select.text(4),     select.text(5),    select.text(6),     select.text(7),
            select.text(8),     select.integer(9), select.integer(10), select.text(11),
            select.integer(12), select.text(13),   select.integer(14), select.integer(15)};
        entries.emplace(identity->key, journal_entry(std::move(row)));
    }
    return entries;
}

std::optional<JournalEntry> sqlite_select_journal_entry(SqliteStatements& db,
                                                        const TaskIdentity& identity) {
    std::map<std::string, JournalEntry> found = sqlite_select_journal_entries(db, {&identity});
    if (found.empty()) {
        return std::nullopt;
    }
    return std::move(found.begin()->second);
}

void sqlite_upsert_journal_entries(SqliteStatements& db,
                                   const std::vector<const JournalEntry*>& rows) {
    static const std::string sql = std::string("INSERT INTO taskhost_journal (") + kJournalColumns +
                                   ") VALUES (" + Placeholders(sqlite_dialect()).list(16) +
                                   kJournalUpsertTail;
    for (const JournalEntry* entry : rows) {
        const JournalRow r = journal_row(*entry);
        SqliteStatements::Query upsert(db, sql);
        upsert.bind(r.key).bind(r.account).bind(r.task).bind(r.params).bind(r.params_digest);
        upsert.bind(r.manifest).bind(r.name).bind(r.subject_id).bind(r.subject_name);
        upsert.bind(r.last_sent_at).bind(r.sending_since).bind(r.sending_owner);
        upsert.bind(r.lease_until).bind(r.last_result).bind(r.last_result_at);
        upsert.bind(r.last_in_doubt).run();
    }
}

void sqlite_insert_history_rows(SqliteStatements& db, const std::vector<HistoryRecord>& records) {
    static const std::string sql = std::string("INSERT INTO taskhost_history (") + kHistoryColumns +
                                   ") VALUES (" + Placeholders(sqlite_dialect()).list(15) + ")";
    for (const HistoryRecord& r : records) {
        SqliteStatements::Query insert(db, sql);
        insert.bind(int64_t(to_epoch_ms(r.at))).bind(r.account).bind(r.task).bind(r.task_id);
        insert.bind(r.subject_id).bind(r.subject_name).bind(r.params_digest).bind(r.status);
        insert.bind(r.reason).bind(int64_t(r.in_doubt ? 1 : 0)).bind(r.source).bind(r.host);
        insert.bind(r.uid).bind(r.pid).bind(r.msg).run();
    }
}

void sqlite_answer_turns(SqliteStatements& db, const std::vector<int64_t>& turns, int64_t now_ms) {
    // By id alone (ids are unique across buckets): see ledger_tables.cpp's answer_turns.
    static const std::string sql = "UPDATE taskhost_pacing_turn SET answered_at = ? WHERE id = ?";
    for (const int64_t turn : turns) {
        SqliteStatements::Query update(db, sql);
        update.bind(now_ms).bind(turn).run();
    }
}

}  // namespace taskhost
