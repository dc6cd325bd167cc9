#include "ledger/budget_rows.h"

#include <Poco/Data/Statement.h>

namespace taskhost {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Int64;

const char* const kGiveBack =
    "DELETE FROM taskhost_pacing_turn WHERE id = $1 AND bucket = $2 AND answered_at = 0";
const char* const kEnsureBucket =
    "INSERT INTO taskhost_pacing_bucket (bucket, held_until) VALUES ($1, 0)"
    " ON CONFLICT (bucket) DO NOTHING";
const char* const kHeldUntil = "SELECT held_until FROM taskhost_pacing_bucket WHERE bucket = $1";
const char* const kForget =
    "DELETE FROM taskhost_pacing_turn WHERE bucket = $1 AND"
    " ((answered_at > 0 AND answered_at < $2) OR (answered_at = 0 AND expires_at < $3))";
const char* const kTimes =
    "SELECT answered_at FROM taskhost_pacing_turn WHERE bucket = $1 ORDER BY answered_at";
// SQLite: no RETURNING, whose results SQLite gathers in a temporary table it creates and drops
// each time (an allocation of about 160 KiB that glibc took from and gave back to the system per
// turn); the id is the rowid the insert made.
const char* const kTakeOne =
    "INSERT INTO taskhost_pacing_turn (bucket, granted_at, answered_at, expires_at)"
    " VALUES ($1, $2, 0, $3)";

}  // namespace

void BudgetRows::give_back(const std::string& bucket, const std::vector<uint64_t>& ids) {
    for (const uint64_t id : ids) {
        if (native_ != nullptr) {
            SqliteStatements::Query(*native_, kGiveBack).bind(int64_t(id)).bind(bucket).run();
        } else {
            db_ << kGiveBack, bind(Int64(id)), bind(bucket), now;
        }
    }
}

int64_t BudgetRows::lock_bucket(const std::string& bucket) {
    if (native_ != nullptr) {
        SqliteStatements::Query(*native_, kEnsureBucket).bind(bucket).run();
        SqliteStatements::Query held(*native_, kHeldUntil);
        held.bind(bucket);
        return held.step() ? held.integer(0) : 0;
    }
    db_ << kEnsureBucket, bind(bucket), now;
    Int64 held = 0;
    db_ << std::string(kHeldUntil) + dialect_.for_update, into(held), bind(bucket), now;
    return held;
}

std::vector<int64_t> BudgetRows::window_times(const std::string& bucket, int64_t answered_before,
                                              int64_t now_ms) {
    std::vector<int64_t> times;
    if (native_ != nullptr) {
        SqliteStatements::Query(*native_, kForget)
            .bind(bucket)
            .bind(answered_before)
            .bind(now_ms)
            .run();
        SqliteStatements::Query select(*native_, kTimes);
        select.bind(bucket);
        while (select.step()) {
            times.push_back(select.integer(0));
        }
        return times;
    }
    db_ << kForget, bind(bucket), bind(Int64(answered_before)), bind(Int64(now_ms)), now;
    std::vector<Int64> read;
    db_ << kTimes, into(read), bind(bucket), now;
    times.assign(read.begin(), read.end());
    return times;
}

std::vector<std::pair<int64_t, int64_t>> BudgetRows::take(const std::string& bucket, int64_t count,
                                                          int64_t now_ms, int64_t expiry,
                                                          int64_t reserved_expiry) {
    std::vector<std::pair<int64_t, int64_t>> taken;
    if (native_ != nullptr) {  // a kept single-row statement per turn
        for (int64_t i = 0; i < count; ++i) {
            const int64_t expires = i == 0 ? expiry : reserved_expiry;
            SqliteStatements::Query(*native_, kTakeOne)
                .bind(bucket)
                .bind(now_ms)
                .bind(expires)
                .run();
            taken.emplace_back(native_->last_insert_rowid(), expires);
        }
        return taken;
    }
    std::string values;  // one statement: a round trip on PostgreSQL
    for (int64_t i = 0; i < count; ++i) {
        values += (i == 0 ? "($1, $2, 0, $3)" : ", ($1, $2, 0, $4)");
    }
    std::vector<Int64> ids, expires;
    Poco::Data::Statement insert(db_);
    insert << "INSERT INTO taskhost_pacing_turn (bucket, granted_at, answered_at, expires_at)"
              " VALUES " +
                  values + " RETURNING id, expires_at",
        into(ids), into(expires), bind(bucket), bind(Int64(now_ms)), bind(Int64(expiry));
    if (count > 1) {
        insert, bind(Int64(reserved_expiry));
    }
    insert.execute();
    for (size_t i = 0; i < ids.size(); ++i) {
        taken.emplace_back(ids[i], expires[i]);
    }
    return taken;
}

}  // namespace taskhost
