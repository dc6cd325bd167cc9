#include "ledger/sql_dialect.h"

namespace taskhost {

const SqlDialect& sqlite_dialect() {
    // BEGIN IMMEDIATE: a deferred transaction that reads, then writes, fails at once with
    // SQLITE_BUSY when another process wrote in between (WAL), instead of waiting its turn.
    // synchronous = NORMAL in WAL mode: a commit is in the WAL (the OS's page cache) when it
    // returns, safe from a kill of the process, and on the disk at the next FULL commit's fsync
    // (the WAL is synced whole) or checkpoint.
    static const SqlDialect dialect{"SQLite",
                                    "BEGIN IMMEDIATE",
                                    "",
                                    "INTEGER PRIMARY KEY",
                                    "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
                                    "PRAGMA synchronous = FULL",
                                    "PRAGMA synchronous = NORMAL",
                                    /*numbered_placeholders=*/false,
                                    /*lock_new_rows=*/false};
    return dialect;
}

const SqlDialect& postgresql_dialect() {
    // clock_timestamp(), not now(): now() is the transaction's start, and a transaction that
    // waited for a row lock must not see an old time.
    static const SqlDialect dialect{"PostgreSQL",
                                    "BEGIN",
                                    " FOR UPDATE",
                                    "BIGSERIAL PRIMARY KEY",
                                    "CAST(extract(epoch from clock_timestamp()) * 1000 AS BIGINT)",
                                    "",
                                    "",
                                    /*numbered_placeholders=*/true,
                                    /*lock_new_rows=*/true};
    return dialect;
}

}  // namespace taskhost
