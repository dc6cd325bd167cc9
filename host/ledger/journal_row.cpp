#include "ledger/journal_row.h"

namespace taskhost {
namespace {

std::optional<WallClock::time_point> time_or_none(int64_t ms) {
    return ms > 0 ? std::optional<WallClock::time_point>(from_epoch_ms(ms)) : std::nullopt;
}

int64_t ms_or_zero(const std::optional<WallClock::time_point>& at) {
    return at ? int64_t(to_epoch_ms(*at)) : int64_t(0);
}

}  // namespace

const char* const kJournalColumns =
    "key, account, task, params, params_digest, manifest, name, subject_id, subject_name,"
    " last_sent_at, sending_since, sending_owner, lease_until, last_result, last_result_at,"
    " last_in_doubt";

const char* const kJournalUpsertTail =
    ") ON CONFLICT (key) DO UPDATE SET account = excluded.account,"
    " task = excluded.task, params = excluded.params,"
    " params_digest = excluded.params_digest, manifest = excluded.manifest,"
    " name = excluded.name, subject_id = excluded.subject_id,"
    " subject_name = excluded.subject_name, last_sent_at = excluded.last_sent_at,"
    " sending_since = excluded.sending_since, sending_owner = excluded.sending_owner,"
    " lease_until = excluded.lease_until, last_result = excluded.last_result,"
    " last_result_at = excluded.last_result_at, last_in_doubt = excluded.last_in_doubt";

const char* const kHistoryColumns =
    "at, account, task, task_id, subject_id, subject_name, params_digest, status, reason,"
    " in_doubt, source, host, uid, pid, msg";

JournalRow journal_row(const JournalEntry& e) {
    const TaskIdentity& id = e.identity;
    JournalRow row;
    row.key = id.key;
    row.account = id.account;
    row.task = id.task;
    row.params = id.canonical_params;
    row.params_digest = id.params_digest;
    row.manifest = id.manifest;
    row.name = id.name;
    row.subject_id = id.subject_id;
    row.subject_name = id.subject_name;
    row.last_sent_at = ms_or_zero(e.last_sent_at);
    row.sending_since = ms_or_zero(e.sending_since);
    row.sending_owner = e.sending_owner;
    row.lease_until = ms_or_zero(e.lease_until);
    row.last_result = e.last_result.value_or("");
    row.last_result_at = ms_or_zero(e.last_result_at);
    row.last_in_doubt = e.last_in_doubt ? 1 : 0;
    return row;
}

JournalEntry journal_entry(JournalRow row) {
    JournalEntry entry;
    TaskIdentity& id = entry.identity;
    id.key = std::move(row.key);
    id.account = std::move(row.account);
    id.task = std::move(row.task);
    id.canonical_params = std::move(row.params);
    id.params_digest = std::move(row.params_digest);
    id.manifest = std::move(row.manifest);
    id.name = std::move(row.name);
    id.subject_id = std::move(row.subject_id);
    id.subject_name = std::move(row.subject_name);
    entry.last_sent_at = time_or_none(row.last_sent_at);
    entry.sending_since = time_or_none(row.sending_since);
    entry.sending_owner = std::move(row.sending_owner);
    entry.lease_until = time_or_none(row.lease_until);
    if (!row.last_result.empty()) {
        entry.last_result = std::move(row.last_result);
    }
    entry.last_result_at = time_or_none(row.last_result_at);
    entry.last_in_doubt = row.last_in_doubt != 0;
    return entry;
}

}  // namespace taskhost
