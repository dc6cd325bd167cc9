#include "ledger/ledger_schema.h"

#include <Poco/Data/Statement.h>

#include <vector>

namespace taskhost {
namespace {

using namespace Poco::Data::Keywords;

// Every version's statements, in order; version N is kMigrations[N - 1].
std::vector<std::string> version_1(const SqlDialect& dialect) {
    return {
        "CREATE TABLE taskhost_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE taskhost_journal ("
        " key TEXT PRIMARY KEY, account TEXT NOT NULL, task TEXT NOT NULL,"
        " params TEXT NOT NULL, params_digest TEXT NOT NULL, manifest TEXT NOT NULL,"
        " name TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT NOT NULL,"
        " last_sent_at BIGINT NOT NULL, sending_since BIGINT NOT NULL,"
        " sending_owner TEXT NOT NULL, lease_until BIGINT NOT NULL, last_result TEXT NOT NULL,"
        " last_result_at BIGINT NOT NULL, last_in_doubt INTEGER NOT NULL)",
        "CREATE TABLE taskhost_history (id " + dialect.id_column +
            ", at BIGINT NOT NULL, account TEXT NOT NULL, task TEXT NOT NULL,"
            " task_id TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT NOT NULL,"
            " params_digest TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,"
            " in_doubt INTEGER NOT NULL, source TEXT NOT NULL, host TEXT NOT NULL,"
            " uid BIGINT NOT NULL, pid BIGINT NOT NULL, msg TEXT NOT NULL)",
        "CREATE INDEX taskhost_history_at ON taskhost_history (at)",
        "CREATE INDEX taskhost_history_subject_name ON taskhost_history (subject_name, at)",
        "CREATE INDEX taskhost_history_subject_id ON taskhost_history (subject_id, at)",
        "CREATE TABLE taskhost_pacing_bucket (bucket TEXT PRIMARY KEY, held_until BIGINT NOT "
        "NULL)",
        "CREATE TABLE taskhost_pacing_turn (id " + dialect.id_column +
            ", bucket TEXT NOT NULL, granted_at BIGINT NOT NULL, answered_at BIGINT NOT NULL,"
            " expires_at BIGINT NOT NULL)",
        "CREATE INDEX taskhost_pacing_turn_bucket ON taskhost_pacing_turn (bucket, answered_at)",
        std::string("INSERT INTO taskhost_meta (name, value) VALUES ('format', '") + kLedgerFormat +
            "')",
        "INSERT INTO taskhost_meta (name, value) VALUES ('schema_version', '0')",
    };
}

std::vector<std::string> migration(int version, const SqlDialect& dialect) {
    switch (version) {
        case 1:
            return version_1(dialect);
        default:
            return {};
    }
}

std::vector<std::string> table_names(Poco::Data::Session& session, const SqlDialect& dialect) {
    std::vector<std::string> names;
    if (dialect.connector == "SQLite") {
        session << "SELECT name FROM sqlite_master WHERE type = 'table'", into(names), now;
    } else {
        session << "SELECT table_name FROM information_schema.tables"
                   " WHERE table_schema = current_schema()",
            into(names), now;
    }
    return names;
}

}  // namespace

SchemaState read_schema_state(Poco::Data::Session& session, const SqlDialect& dialect) {
    std::vector<std::string> tables = table_names(session, dialect);
    if (dialect.connector != "SQLite") {
        // A shared database may hold other programs' tables: only taskhost's own count.
        std::vector<std::string> ours;
        for (const std::string& table : tables) {
            if (table.rfind("taskhost_", 0) == 0) {
                ours.push_back(table);
            }
        }
        tables = ours;
    }
    SchemaState state;
    if (tables.empty()) {
        return state;
    }
    bool has_meta = false;
    for (const std::string& table : tables) {
        has_meta = has_meta || table == "taskhost_meta";
    }
    if (!has_meta) {
        state.kind = SchemaState::Kind::kForeign;
        state.detail = "it holds " + std::to_string(tables.size()) +
                       " table(s) and none is taskhost_meta (first: " + tables.front() + ")";
        return state;
    }
    std::vector<std::string> names;
    std::vector<std::string> values;
    session << "SELECT name, value FROM taskhost_meta", into(names), into(values), now;
    std::string format;
    std::string version;
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == "format") {
            format = values[i];
        } else if (names[i] == "schema_version") {
            version = values[i];
        }
    }
    if (format != kLedgerFormat) {
        state.kind = SchemaState::Kind::kForeign;
        state.detail = "its taskhost_meta does not name the format " + std::string(kLedgerFormat);
        return state;
    }
    state.kind = SchemaState::Kind::kLedger;
    try {
        state.version = std::stoi(version);
    } catch (...) {
        state.kind = SchemaState::Kind::kForeign;
        state.detail = "its schema_version is not a number";
    }
    return state;
}

void migrate_schema(Poco::Data::Session& session, const SqlDialect& dialect, int from) {
    for (int version = from + 1; version <= kLedgerSchemaVersion; ++version) {
        for (const std::string& statement : migration(version, dialect)) {
            session << statement, now;
        }
        std::string text = std::to_string(version);
        session << "UPDATE taskhost_meta SET value = $1 WHERE name = 'schema_version'", bind(text),
            now;
    }
}

}  // namespace taskhost
