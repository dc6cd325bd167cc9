#include "config/ledger_settings.h"

#include "util/json_fields.h"

namespace taskhost {
namespace {

constexpr const char* kExample =
    "write {\"sqlite\": {\"path\": \"/var/lib/taskhost/ledger.sqlite\"}} or {\"postgresql\": "
    "{\"host\": \"db.example\", \"dbname\": \"taskhost\", \"user\": \"taskhost\", "
    "\"password_file\": \"/etc/taskhost/pg-password\"}}";

PostgresSettings read_postgresql(const JsonFields& pg, const std::string& base_dir) {
    pg.only_known({"connect_timeout_seconds", "dbname", "host", "password", "password_env",
                   "password_file", "port", "sslmode", "sslrootcert", "user"});
    if (pg.has("password")) {
        fail(pg.where("password"), "a config must never hold a password itself",
             "put it in a file (mode 0600) named by \"password_file\", or in an environment "
             "variable named by \"password_env\"");
    }
    for (const char* required : {"host", "dbname", "user"}) {
        if (!pg.has(required)) {
            fail(pg.where(), std::string("has no \"") + required + "\"",
                 "add it, e.g. \"host\": \"db.example\" (or a unix-socket directory), \"dbname\": "
                 "\"taskhost\", \"user\": \"taskhost\"");
        }
    }
    PostgresSettings settings;
    settings.host = pg.text("host");
    settings.dbname = pg.text("dbname");
    settings.user = pg.text("user");
    if (pg.has("port")) {
        settings.port = pg.integer("port", 1, 65535);
    }
    if (pg.has("password_file") && pg.has("password_env")) {
        fail(pg.where(), "gives both \"password_file\" and \"password_env\"", "give one");
    }
    if (pg.has("password_file")) {
        settings.password_file = pg.path("password_file", base_dir);
    }
    if (pg.has("password_env")) {
        settings.password_env = pg.text("password_env");
    }
    if (pg.has("sslmode")) {
        settings.sslmode = pg.text("sslmode");
        bool known = false;
        for (const char* mode :
             {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}) {
            known = known || settings.sslmode == mode;
        }
        if (!known) {
            fail(pg.where("sslmode"), "is not a PostgreSQL sslmode",
                 "use one of disable, allow, prefer, require, verify-ca, verify-full (verify-full "
                 "checks the server's certificate and name)");
        }
    }
    if (pg.has("sslrootcert")) {
        settings.sslrootcert = pg.path("sslrootcert", base_dir);
    }
    if (pg.has("connect_timeout_seconds")) {
        settings.connect_timeout_seconds = pg.integer("connect_timeout_seconds", 1, 300);
    }
    return settings;
}

}  // namespace

LedgerSettings read_ledger_settings(const Poco::Dynamic::Var& value, const std::string& file,
                                    const std::string& base_dir) {
    JsonFieldRules rules;
    rules.text_non_empty = true;
    rules.text_plain = true;
    rules.text_max_chars = 1024;
    const JsonFields ledger = JsonFields::of(value, file, "$.ledger", rules, kExample);
    ledger.only_known({"postgresql", "sqlite"});
    LedgerSettings settings;
    settings.where = ledger.where();
    if (ledger.has("postgresql") == ledger.has("sqlite")) {
        fail(ledger.where(), "must name exactly one backend", kExample);
    }
    if (ledger.has("sqlite")) {
        const JsonFields sqlite = ledger.child("sqlite", kExample);
        sqlite.only_known({"path"});
        if (sqlite.has("path")) {
            settings.sqlite_path = sqlite.path("path", base_dir);
        }
        return settings;
    }
    settings.backend = LedgerSettings::Backend::kPostgresql;
    settings.postgresql = read_postgresql(ledger.child("postgresql", kExample), base_dir);
    return settings;
}

}  // namespace taskhost
