#include "ledger/open_ledger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "ledger/ledger_schema.h"
#include "ledger/ledger_tables.h"
#include "ledger/legacy_journal.h"
#include "ledger/postgresql_connector.h"
#include "ledger/sql_ledger.h"
#include "util/bounded_json.h"
#include "util/file_trust.h"
#include "util/secret_file_mode.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using namespace Poco::Data::Keywords;

constexpr size_t kMaxPasswordBytes = 1024;
constexpr const char* kMigrateFix = "run `taskhost ledger migrate` (with the same --config)";

HostError state_dir_error(const std::string& path, const std::string& problem) {
    return HostError{"state directory " + path, problem,
                     "set \"state_dir\" in the config or pass --state-dir DIR (a directory this "
                     "user owns)"};
}

Check ensure_state_directory(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        fs::create_directories(path, ec);
        if (ec) {
            return state_dir_error(path, "cannot be created: " + ec.message());
        }
        ::chmod(path.c_str(), 0700);
    }
    return check_trusted_directory(path, "state directory");
}

// "SQLite format 3\0": the first 16 bytes of every SQLite database. Anything else (another
// program's file, a damaged one) is refused before SQLite could write to it.
Check check_sqlite_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        return HostError{"SQLite ledger " + path,
                         std::string("cannot be read: ") + std::strerror(errno),
                         "check its permissions (it must be a regular file this user owns)"};
    }
    struct stat st {};
    char header[16] = {0};
    const bool stat_ok = ::fstat(fd, &st) == 0;
    const ssize_t n = stat_ok && S_ISREG(st.st_mode) ? ::pread(fd, header, sizeof header, 0) : -1;
    ::close(fd);
    if (!stat_ok || !S_ISREG(st.st_mode)) {
        return HostError{"SQLite ledger " + path, "is not a regular file",
                         "point \"ledger\".\"sqlite\".\"path\" at a file, or move this away"};
    }
    if (st.st_uid != ::geteuid() || (st.st_mode & 0022) != 0) {
        return HostError{"SQLite ledger " + path,
                         "is owned by another user or writable by group or others",
                         "chown it to this user and chmod 0600"};
    }
    if (n == 0 && st.st_size == 0) {
        return std::nullopt;  // created and killed before SQLite wrote: empty is fine
    }
    if (n != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header, "SQLite format 3\0", sizeof header) != 0) {
        return HostError{"SQLite ledger " + path,
                         "is not a SQLite database (another program's file, or damaged); it was "
                         "left untouched",
                         "move it away or point \"ledger\".\"sqlite\".\"path\" elsewhere"};
    }
    return std::nullopt;
}

Check create_private_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno != EEXIST) {
        return HostError{"SQLite ledger " + path,
                         std::string("cannot be created: ") + std::strerror(errno),
                         "check the state directory's permissions"};
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return std::nullopt;
}

SqlTarget sqlite_target(const std::string& path, const std::string& synchronous) {
    SqlTarget target;
    target.dialect = &sqlite_dialect();
    target.connection = path;
    target.display = "SQLite ledger " + path;
    target.fix = "check the file and its directory (disk full? permissions?); then retry";
    // busy_timeout: another process's commit holds the write lock for a moment.
    target.on_open = {"PRAGMA busy_timeout = 15000", "PRAGMA journal_mode = WAL",
                      "PRAGMA synchronous = " + synchronous};
    return target;
}

Result<std::string> read_password(const PostgresSettings& pg) {
    if (!pg.password_env.empty()) {
        const char* value = std::getenv(pg.password_env.c_str());
        if (value == nullptr || *value == '\0') {
            return HostError{"ledger PostgreSQL password",
                             "$" + pg.password_env + " is not set or empty",
                             "export it for this process, or use \"password_file\""};
        }
        return std::string(value);
    }
    if (pg.password_file.empty()) {
        return std::string();
    }
    struct stat st {};
    if (::stat(pg.password_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return HostError{"ledger password file " + pg.password_file, "cannot be read",
                         "create it (mode 0600, owned by this user) holding the password"};
    }
    if (st.st_uid != ::geteuid() && st.st_uid != 0) {
        return HostError{
            "ledger password file " + pg.password_file,
            "is owned by uid " + std::to_string(st.st_uid) + ", not by this user or root",
            "chown $(id -un) " + pg.password_file};
    }
    if (Check bad = check_secret_file_mode(st, "ledger password file " + pg.password_file,
                                           pg.password_file)) {
        return *bad;
    }
    Result<std::string> text =
        read_bounded_file(pg.password_file, kMaxPasswordBytes, "ledger password file");
    if (!text.ok()) {
        return text.error();
    }
    std::string password = text.value();
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
        password.pop_back();
    }
    return password;
}

// Poco's PostgreSQL connector splits its connection string at every space and passes no quoting
// through: a value with a space or a quote cannot be given, so it is refused with that reason.
Check check_pq_value(const std::string& value, const std::string& field) {
    for (char c : value) {
        if (c == ' ' || c == '\'' || c == '"' || c == '\\' ||
            static_cast<unsigned char>(c) < 0x20) {
            return HostError{
                "ledger PostgreSQL " + field,
                "holds a space, a quote, a backslash or a control character, which "
                "the PostgreSQL connector cannot pass",
                field == "password" ? "choose a password without them" : "write it without them"};
        }
    }
    return std::nullopt;
}

Result<SqlTarget> postgresql_target(const PostgresSettings& pg) {
    if (Check bad = load_postgresql_connector()) {
        return *bad;
    }
    Result<std::string> password = read_password(pg);
    if (!password.ok()) {
        return password.error();
    }
    const std::pair<const char*, const std::string*> values[] = {{"host", &pg.host},
                                                                 {"dbname", &pg.dbname},
                                                                 {"user", &pg.user},
                                                                 {"sslrootcert", &pg.sslrootcert},
                                                                 {"password", &password.value()}};
    for (const auto& [field, value] : values) {
        if (Check bad = check_pq_value(*value, field)) {
            return *bad;
        }
    }
    SqlTarget target;
    target.dialect = &postgresql_dialect();
    target.connection = "host=" + pg.host + " port=" + std::to_string(pg.port) +
                        " dbname=" + pg.dbname + " user=" + pg.user + " sslmode=" + pg.sslmode +
                        " connect_timeout=" + std::to_string(pg.connect_timeout_seconds) +
                        " application_name=taskhost";
    if (!pg.sslrootcert.empty()) {
        target.connection += " sslrootcert=" + pg.sslrootcert;
    }
    if (!password.value().empty()) {
        target.connection += " password=" + password.value();
        target.secret = password.value();
    }
    target.display = "PostgreSQL ledger " + printable(pg.host, 200) + ":" +
                     std::to_string(pg.port) + "/" + printable(pg.dbname, 100);
    target.fix =
        "check that the server is up and reachable and the credentials are right "
        "(\"ledger\".\"postgresql\" in the config); then retry";
    return target;
}

}  // namespace

namespace {

// Taken by every migration on PostgreSQL, so that two hosts migrating at once run one after the
// other (the second finds the schema current).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7270011)";

struct SchemaPlan {
    bool migrate_allowed = false;  // this caller may create or migrate the schema
    std::string legacy_dir;        // old journal files: imported when the schema is created
    bool import_always = false;    // `taskhost ledger migrate`: import them again (no duplicates)
};

Check check_schema_state(const SchemaState& state, const SqlConnection& connection,
                         bool migrate_allowed) {
    const std::string where = connection.target().display;
    if (state.kind == SchemaState::Kind::kForeign) {
        return HostError{
            where, "holds another program's data (" + state.detail + "); it was left untouched",
            "point the config's \"ledger\" at a database of taskhost's own"};
    }
    if (state.kind == SchemaState::Kind::kLedger && state.version > kLedgerSchemaVersion) {
        return HostError{where,
                         "was written by a newer taskhost (schema " +
                             std::to_string(state.version) + "; this one knows up to " +
                             std::to_string(kLedgerSchemaVersion) + ")",
                         "upgrade taskhost on this host to the version the others run"};
    }
    const bool current =
        state.kind == SchemaState::Kind::kLedger && state.version == kLedgerSchemaVersion;
    if (!current && !migrate_allowed) {
        return HostError{where,
                         state.kind == SchemaState::Kind::kEmpty
                             ? "has no ledger schema yet"
                             : "has ledger schema " + std::to_string(state.version) +
                                   ", older than this taskhost's " +
                                   std::to_string(kLedgerSchemaVersion),
                         kMigrateFix};
    }
    return std::nullopt;
}

std::string import_legacy(Poco::Data::Session& db, const std::string& dir) {
    const LegacyJournal legacy = read_legacy_journal(dir);
    for (const JournalEntry& entry : legacy.entries) {
        import_journal_entry(db, entry);
    }
    std::string report;
    if (!legacy.entries.empty() || !legacy.damaged.empty()) {
        report = "imported " + std::to_string(legacy.entries.size()) +
                 " entries of the old journal in " + dir;
    }
    for (const HostError& damaged : legacy.damaged) {
        report += "\n  not imported: " + damaged.text();
    }
    return report;
}

// Reads the schema state, refuses what is not ours or too new, and migrates when allowed.
Check prepare_schema(SqlConnection& connection, const SchemaPlan& plan, std::string& report) {
    const SqlDialect& dialect = *connection.target().dialect;
    SchemaState state;
    if (Check bad = connection.with_session(
            [&](Poco::Data::Session& db) { state = read_schema_state(db, dialect); })) {
        return bad;
    }
    if (Check bad = check_schema_state(state, connection, plan.migrate_allowed)) {
        return bad;
    }
    if (state.kind == SchemaState::Kind::kLedger && state.version == kLedgerSchemaVersion &&
        !plan.import_always) {
        return std::nullopt;
    }
    Check failed;
    const Check bad = connection.in_transaction([&](Poco::Data::Session& db) {
        if (dialect.connector == "PostgreSQL") {
            db << kMigrationLock, now;
        }
        const SchemaState again = read_schema_state(db, dialect);  // another may have migrated
        failed = check_schema_state(again, connection, true);
        if (failed) {
            return;
        }
        const int from = again.kind == SchemaState::Kind::kEmpty ? 0 : again.version;
        if (from < kLedgerSchemaVersion) {
            migrate_schema(db, dialect, from);
            report =
                "schema " + std::to_string(from) + " -> " + std::to_string(kLedgerSchemaVersion);
        } else {
            report = "schema " + std::to_string(from) + " is current";
        }
        if (!plan.legacy_dir.empty() && (from == 0 || plan.import_always)) {
            const std::string imported = import_legacy(db, plan.legacy_dir);
            report += imported.empty() ? "" : "; " + imported;
        }
    });
    return bad ? bad : failed;
}

std::string sqlite_path(const HostConfig& config, const std::string& state_dir) {
    return config.ledger.sqlite_path.empty() ? state_dir + "/ledger.sqlite"
                                             : config.ledger.sqlite_path;
}

Result<OpenedLedger> open_sqlite(const HostConfig& config, const std::string& state_dir,
                                 LedgerAccess access) {
    const std::string path = sqlite_path(config, state_dir);
    const std::string dir = fs::path(path).parent_path().string();
    std::error_code ec;
    SqlLedgerOptions options;
    // An intent is durable before a send; completions and pacing turns commit relaxed
    // (sql_dialect.cpp), durable with the next intent.
    options.writer = sqlite_target(path, "FULL");
    options.reader = sqlite_target(path, "FULL");
    options.writer.write_lock = std::make_shared<std::mutex>();
    options.writer.sync_file = path + "-wal";
    if (access == LedgerAccess::kReadOnly && !fs::exists(path, ec)) {
        options.absent = true;
        return OpenedLedger{std::make_unique<SqlLedger>(options), ""};
    }
    if (access != LedgerAccess::kReadOnly) {
        if (Check bad = ensure_state_directory(dir)) {
            return *bad;
        }
        if (Check bad = create_private_file(path)) {
            return *bad;
        }
    }
    if (Check bad = check_sqlite_file(path)) {
        return *bad;
    }
    auto ledger = std::make_unique<SqlLedger>(options);
    // No journal_mode pragma until the file is known to be a ledger: switching another program's
    // database to WAL would write to it.
    SqlTarget setup_target = options.writer;
    setup_target.on_open = {"PRAGMA busy_timeout = 15000", "PRAGMA synchronous = FULL"};
    SqlConnection setup(setup_target);
    SchemaPlan plan;
    plan.migrate_allowed = access != LedgerAccess::kReadOnly;
    plan.import_always = access == LedgerAccess::kMigrate;
    const std::string legacy = state_dir + "/journal";
    plan.legacy_dir =
        access != LedgerAccess::kReadOnly && fs::is_directory(legacy, ec) ? legacy : "";
    std::string report;
    if (Check bad = prepare_schema(setup, plan, report)) {
        return *bad;
    }
    if (access != LedgerAccess::kReadOnly) {
        if (Check bad = setup.with_session(
                [](Poco::Data::Session& db) { db << "PRAGMA journal_mode = WAL", now; })) {
            return *bad;
        }
        // The session has run every pragma the writer's on_open holds: it becomes the writer.
        ledger->adopt_writer_session(setup.take_session());
    }
    return OpenedLedger{std::move(ledger), setup.target().display + ": " + report};
}

Result<OpenedLedger> open_postgresql(const HostConfig& config, const std::string& state_dir,
                                     LedgerAccess access) {
    Result<SqlTarget> target = postgresql_target(config.ledger.postgresql);
    if (!target.ok()) {
        return target.error();
    }
    SqlLedgerOptions options;
    options.writer = target.value();
    options.reader = target.value();
    SqlConnection setup(options.writer);
    SchemaPlan plan;
    plan.migrate_allowed = access == LedgerAccess::kMigrate;
    // `taskhost ledger migrate` imports this host's old journal files, as for SQLite.
    plan.import_always = access == LedgerAccess::kMigrate;
    const std::string legacy = state_dir + "/journal";
    std::error_code ec;
    plan.legacy_dir = plan.import_always && fs::is_directory(legacy, ec) ? legacy : "";
    std::string report;
    if (Check bad = prepare_schema(setup, plan, report)) {
        return *bad;
    }
    return OpenedLedger{std::make_unique<SqlLedger>(options),
                        setup.target().display + ": " + report};
}

}  // namespace

bool ledger_exists(const HostConfig& config, const std::string& state_dir) {
    if (config.ledger.backend == LedgerSettings::Backend::kPostgresql) {
        return true;
    }
    std::error_code ec;
    return fs::is_regular_file(
        sqlite_path(config, state_dir.empty() ? config.state_dir : state_dir), ec);
}

Result<OpenedLedger> open_ledger(const HostConfig& config, const std::string& state_dir,
                                 LedgerAccess access) {
    const std::string dir = state_dir.empty() ? config.state_dir : state_dir;
    if (config.ledger.backend == LedgerSettings::Backend::kPostgresql) {
        return open_postgresql(config, dir, access);
    }
    return open_sqlite(config, dir, access);
}

}  // namespace taskhost
