// Where the ledger lives (ledger/ledger.h): the config's "ledger" section.
//
//   (absent)                          SQLite at STATE_DIR/ledger.sqlite: nothing to configure
//   "ledger": {"sqlite": {"path": "/var/lib/taskhost/ledger.sqlite"}}
//   "ledger": {"postgresql": {"host": "db.example", "port": 5432, "dbname": "taskhost",
//              "user": "taskhost", "password_file": "/etc/taskhost/pg-password",
//              "sslmode": "verify-full", "sslrootcert": "/etc/taskhost/pg-ca.pem",
//              "connect_timeout_seconds": 10}}
//
// The password is never in the config: "password_file" (mode 0600, owned by this user) or
// "password_env" (a variable's name), or neither (peer or certificate authentication).
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

namespace taskhost {

struct PostgresSettings {
    std::string host;  // a name, an address, or a unix-socket directory (absolute path)
    int64_t port = 5432;
    std::string dbname;
    std::string user;
    std::string password_file;  // absolute; empty: none
    std::string password_env;   // empty: none
    std::string sslmode = "prefer";
    std::string sslrootcert;  // absolute; empty: the system's
    int64_t connect_timeout_seconds = 10;
};

struct LedgerSettings {
    enum class Backend { kSqlite, kPostgresql } backend = Backend::kSqlite;
    std::string sqlite_path;  // absolute; empty: STATE_DIR/ledger.sqlite
    PostgresSettings postgresql;
    std::string where;  // "CONFIG: $.ledger", for errors
};

// Reads the "ledger" value of a config (throws HostErrorException naming the field and the fix).
LedgerSettings read_ledger_settings(const Poco::Dynamic::Var& value, const std::string& file,
                                    const std::string& base_dir);

}  // namespace taskhost
