#include "ledger/write_batch.h"

#include <stdexcept>

#include "ledger/ledger_tables.h"
#include "ledger/sqlite_tables.h"

namespace taskhost {

void WriteBatch::want(const TaskIdentity& identity) {
    wanted_.emplace(identity.key, identity);
}

void WriteBatch::fetch(Poco::Data::Session& db) {
    if (wanted_.empty()) {
        return;
    }
    std::vector<const TaskIdentity*> identities;
    identities.reserve(wanted_.size());
    for (const auto& [key, identity] : wanted_) {
        identities.push_back(&identity);
    }
    if (native_ != nullptr) {
        entries_ = sqlite_select_journal_entries(*native_, identities);
    } else {
        if (dialect_.lock_new_rows) {
            ensure_journal_entries(db, dialect_, identities);
        }
        entries_ = select_journal_entries(db, dialect_, identities, true);
    }
    for (const auto& [key, identity] : wanted_) {
        if (entries_.count(key) == 0) {  // a new row, written by flush when changed
            JournalEntry entry;
            entry.identity = identity;
            entries_.emplace(key, std::move(entry));
        }
    }
}

JournalEntry& WriteBatch::entry(const std::string& key) {
    const auto found = entries_.find(key);
    if (found == entries_.end()) {
        throw std::logic_error(
            "the ledger's write batch holds no journal row for a key it was "
            "not asked for");
    }
    return found->second;
}

void WriteBatch::changed(const std::string& key) {
    if (entries_.count(key) == 0) {
        throw std::logic_error("the ledger's write batch cannot write a row it did not fetch");
    }
    changed_.insert(key);
}

void WriteBatch::add_history(HistoryRecord record) {
    history_.push_back(std::move(record));
}

void WriteBatch::answer_turn(int64_t turn) {
    answers_.push_back(turn);
}

void WriteBatch::flush(Poco::Data::Session& db, int64_t now_ms) {
    if (!changed_.empty()) {
        std::vector<const JournalEntry*> rows;
        rows.reserve(changed_.size());
        for (const std::string& key : changed_) {  // key order
            rows.push_back(&entries_.at(key));
        }
        if (native_ != nullptr) {
            sqlite_upsert_journal_entries(*native_, rows);
        } else {
            upsert_journal_entries(db, dialect_, rows);
        }
    }
    if (native_ != nullptr) {
        sqlite_insert_history_rows(*native_, history_);
        sqlite_answer_turns(*native_, answers_, now_ms);
        return;
    }
    if (!history_.empty()) {
        insert_history_rows(db, dialect_, history_);
    }
    if (!answers_.empty()) {
        answer_turns(db, dialect_, answers_, now_ms);
    }
}

}  // namespace taskhost
