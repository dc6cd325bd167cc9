#include "ledger/legacy_journal.h"

#include <Poco/JSON/Object.h>

#include <filesystem>

#include "ledger/journal_key.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr size_t kMaxEntryBytes = 256 * 1024;
constexpr size_t kMaxEntries = 1000000;

std::string string_field(const Object::Ptr& root, const std::string& key) {
    const Poco::Dynamic::Var value = root->get(key);
    return value.isString() ? value.extract<std::string>() : std::string();
}

std::optional<WallClock::time_point> time_field(const Object::Ptr& root, const std::string& key,
                                                bool& ok) {
    if (!root->has(key)) {
        return std::nullopt;
    }
    const auto parsed = parse_utc(string_field(root, key));
    ok = ok && parsed.has_value();
    return parsed;
}

Result<JournalEntry> read_entry(const std::string& path, const std::string& key) {
    const std::string what = "old journal entry " + path;
    Result<std::string> text = read_bounded_file(path, kMaxEntryBytes, what);
    if (!text.ok()) {
        return text.error();
    }
    Result<Object::Ptr> parsed =
        parse_json_object(text.value(), JsonLimits{kMaxEntryBytes, 32}, what);
    const HostError damaged{what, "is damaged", "look at it; it was not imported"};
    if (!parsed.ok()) {
        return damaged;
    }
    const Object::Ptr root = parsed.value();
    // Only the format version 1 taskhost wrote; a file of an unknown version is not guessed at.
    const Poco::Dynamic::Var version = root->get("version");
    if (!version.isInteger() || version.convert<int64_t>() != 1) {
        return HostError{
            what,
            "has format version " +
                (version.isEmpty() ? std::string("(none)") : printable(version.toString(), 20)) +
                ", which this taskhost does not know",
            "look at it; it was not imported"};
    }
    JournalEntry entry;
    TaskIdentity& id = entry.identity;
    id.key = string_field(root, "key");
    if (id.key != key || !is_json_object(root->get("params"))) {
        return damaged;
    }
    id.account = string_field(root, "account");
    id.task = string_field(root, "task");
    id.canonical_params = to_json(root->getObject("params"));
    id.params_digest = params_digest(id.canonical_params);
    id.manifest = string_field(root, "manifest");
    id.name = string_field(root, "name");
    bool ok = true;
    entry.last_sent_at = time_field(root, "last_sent_at", ok);
    entry.sending_since = time_field(root, "sending_since", ok);
    entry.last_result_at = time_field(root, "last_result_at", ok);
    if (!ok) {
        return damaged;
    }
    if (root->has("last_result")) {
        entry.last_result = string_field(root, "last_result");
    }
    return entry;
}

}  // namespace

LegacyJournal read_legacy_journal(const std::string& dir) {
    LegacyJournal journal;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return journal;
    }
    for (const auto& item : fs::directory_iterator(dir, ec)) {
        const std::string name = item.path().filename().string();
        if (name.size() != 69 || name.substr(64) != ".json" || !item.is_regular_file(ec)) {
            continue;  // temp files of a killed writer, anything else
        }
        if (journal.entries.size() >= kMaxEntries) {
            break;
        }
        Result<JournalEntry> entry = read_entry(item.path().string(), name.substr(0, 64));
        if (entry.ok()) {
            journal.entries.push_back(std::move(entry.value()));
        } else {
            journal.damaged.push_back(entry.error());
        }
    }
    return journal;
}

}  // namespace taskhost
