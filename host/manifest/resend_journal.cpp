#include "manifest/resend_journal.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "util/atomic_file.h"
#include "util/bounded_json.h"
#include "util/file_trust.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr size_t kMaxEntryBytes = 256 * 1024;
constexpr int kEntryVersion = 1;

bool is_key(const std::string& key) {
    if (key.size() != 64) {
        return false;
    }
    for (char c : key) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

HostError state_dir_error(const std::string& path, const std::string& problem) {
    return HostError{"state directory " + path, problem,
                     "set \"state_dir\" in the config or pass --state-dir DIR (a directory this "
                     "user owns)"};
}

Check ensure_directory(const std::string& path) {
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

std::optional<std::string> optional_string(const Object::Ptr& object, const std::string& key) {
    const Poco::Dynamic::Var value = object->get(key);
    if (value.isString()) {
        return value.extract<std::string>();
    }
    return std::nullopt;
}

}  // namespace

std::string format_utc(WallClock::time_point at) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<int>(ms.count() % 1000));
    return text;
}

std::optional<WallClock::time_point> parse_utc(const std::string& text) {
    std::tm parts{};
    int millis = 0;
    int consumed = 0;
    if (text.size() != 24 ||
        std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &parts.tm_year, &parts.tm_mon,
                    &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &millis,
                    &consumed) != 7 ||
        consumed != 24) {
        return std::nullopt;
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    const std::time_t seconds = ::timegm(&parts);
    if (seconds == static_cast<std::time_t>(-1)) {
        return std::nullopt;
    }
    return WallClock::time_point(std::chrono::seconds(seconds) + std::chrono::milliseconds(millis));
}

ResendJournal::~ResendJournal() {
    if (lock_fd_ >= 0) {
        ::close(lock_fd_);  // releases the flock
    }
}

Result<std::unique_ptr<ResendJournal>> ResendJournal::open_for_apply(const std::string& state_dir) {
    if (Check bad = ensure_directory(state_dir)) {
        return *bad;
    }
    const std::string dir = state_dir + "/journal";
    if (Check bad = ensure_directory(dir)) {
        return *bad;
    }
    const std::string lock_path = state_dir + "/apply.lock";
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return state_dir_error(state_dir, "cannot open " + lock_path + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = {0};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        const std::string pid = n > 0 ? printable(std::string(holder, static_cast<size_t>(n)), 20)
                                      : std::string("unknown");
        return HostError{"state directory " + state_dir,
                         "another taskhost apply (pid " + pid + ") is using it",
                         "wait for that apply to finish (applies of one state directory run one "
                         "at a time, so that no resend is sent twice)"};
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // Only informational (who holds the lock); the flock is what counts.
    }
    remove_stale_temp_files(dir);
    return std::unique_ptr<ResendJournal>(new ResendJournal(dir, fd));
}

Result<std::unique_ptr<ResendJournal>> ResendJournal::open_for_plan(const std::string& state_dir) {
    return std::unique_ptr<ResendJournal>(new ResendJournal(state_dir + "/journal", -1));
}

Result<std::optional<JournalEntry>> ResendJournal::read(const std::string& key) const {
    const std::string path = dir_ + "/" + key + ".json";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return std::optional<JournalEntry>();
        }
        return HostError{"journal entry " + path,
                         std::string("cannot be read: ") + std::strerror(errno),
                         "check the state directory's permissions"};
    }
    const std::string what = "journal entry " + path;
    const HostError damaged{what, "is damaged",
                            "look at it; delete it to let apply treat the task as never sent"};
    Result<std::string> text = read_bounded_file(path, kMaxEntryBytes, what);
    if (!text.ok()) {
        return text.error();
    }
    Result<Object::Ptr> parsed =
        parse_json_object(text.value(), JsonLimits{kMaxEntryBytes, 32}, what);
    if (!parsed.ok()) {
        return HostError{what, "is damaged: " + parsed.error().problem, damaged.fix};
    }
    const Object::Ptr root = parsed.value();
    JournalEntry entry;
    entry.key = optional_string(root, "key").value_or("");
    if (entry.key != key || !is_json_object(root->get("params"))) {
        return damaged;
    }
    entry.account = optional_string(root, "account").value_or("");
    entry.task = optional_string(root, "task").value_or("");
    entry.canonical_params = to_json(root->getObject("params"));
    entry.manifest = optional_string(root, "manifest").value_or("");
    entry.name = optional_string(root, "name").value_or("");
    const auto time_field = [&](const std::string& field,
                                std::optional<WallClock::time_point>& out) {
        if (!root->has(field)) {
            return true;
        }
        const std::optional<std::string> text = optional_string(root, field);
        out = text ? parse_utc(*text) : std::nullopt;
        return out.has_value();
    };
    if (!time_field("last_sent_at", entry.last_sent_at) ||
        !time_field("sending_since", entry.sending_since) ||
        !time_field("last_result_at", entry.last_result_at)) {
        return damaged;
    }
    entry.last_result = optional_string(root, "last_result");
    return std::optional<JournalEntry>(entry);
}

Check ResendJournal::write(const JournalEntry& entry) {
    if (lock_fd_ < 0) {
        return HostError{"journal " + dir_, "was opened for planning", "a plan never writes"};
    }
    if (!is_key(entry.key)) {
        return HostError{"journal " + dir_, "was given a malformed key", "a taskhost bug"};
    }
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("version", kEntryVersion);
    root->set("key", entry.key);
    root->set("account", entry.account);
    root->set("task", entry.task);
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        root->set("params", parser.parse(entry.canonical_params));
    } catch (const Poco::Exception&) {
        return HostError{"journal " + dir_, "was given params that are not JSON", "a taskhost bug"};
    }
    root->set("manifest", entry.manifest);
    root->set("name", entry.name);
    if (entry.last_sent_at) {
        root->set("last_sent_at", format_utc(*entry.last_sent_at));
    }
    if (entry.sending_since) {
        root->set("sending_since", format_utc(*entry.sending_since));
    }
    if (entry.last_result) {
        root->set("last_result", *entry.last_result);
    }
    if (entry.last_result_at) {
        root->set("last_result_at", format_utc(*entry.last_result_at));
    }
    return write_file_atomically(dir_, entry.key + ".json", to_json(root) + "\n");
}

Check ResendJournal::record_intent(JournalEntry entry, WallClock::time_point now) {
    entry.sending_since = now;
    return write(entry);
}

Check ResendJournal::record_sent(JournalEntry entry, WallClock::time_point now) {
    entry.sending_since.reset();
    entry.last_sent_at = now;
    entry.last_result = "sent";
    entry.last_result_at = now;
    return write(entry);
}

Check ResendJournal::record_not_sent(JournalEntry entry, const std::string& result,
                                     WallClock::time_point now) {
    entry.sending_since.reset();
    entry.last_result = result;
    entry.last_result_at = now;
    return write(entry);
}

}  // namespace taskhost
