#include "ledger/group_commit.h"

#include <algorithm>
#include <vector>

namespace taskhost {

Check GroupCommit::run(const std::string& key, Write write) {
    Pending pending{&key, &write, std::nullopt, false};
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(&pending);
    while (!pending.done) {
        if (!leading_) {
            lead(lock);
        } else {
            done_.wait(lock);
        }
    }
    return pending.result;
}

void GroupCommit::lead(std::unique_lock<std::mutex>& lock) {
    leading_ = true;
    std::vector<Pending*> group(queue_.begin(), queue_.end());
    queue_.clear();
    lock.unlock();
    std::stable_sort(group.begin(), group.end(),
                     [](const Pending* a, const Pending* b) { return *a->key < *b->key; });
    const SqlDialect& dialect = *connection_.target().dialect;
    const Check result = connection_.in_transaction([&](Poco::Data::Session& db) {
        const int64_t now_ms = database_now_ms(db, dialect);
        for (Pending* pending : group) {
            (*pending->write)(db, now_ms);
        }
    });
    lock.lock();
    for (Pending* pending : group) {
        pending->result = result;
        pending->done = true;
    }
    ++commits_;
    writes_ += group.size();
    leading_ = false;
    done_.notify_all();
}

uint64_t GroupCommit::commits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return commits_;
}

uint64_t GroupCommit::writes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return writes_;
}

}  // namespace taskhost
