#include "ledger/wal_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace taskhost {

WalSync::~WalSync() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

uint64_t WalSync::committed() {
    std::lock_guard<std::mutex> lock(mutex_);
    synced_.notify_all();  // a sync that waits for one more commit
    return ++committed_;
}

Check WalSync::sync_through(uint64_t commit, bool next_durable) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (durable_ >= commit) {
            return std::nullopt;
        }
        if (syncing_) {
            // A sync under way covers `commit` only if it was issued after it; either way wait
            // for it, then look again.
            synced_.wait(lock, [this] { return !syncing_; });
            continue;
        }
        if (next_durable) {
            next_durable = false;
            synced_.wait_for(lock, std::chrono::milliseconds(2),
                             [this, commit] { return committed_ > commit || syncing_; });
            continue;  // look again: another caller may have issued one meanwhile
        }
        syncing_ = true;
        syncing_through_ = committed_;
        lock.unlock();
        const Check bad = sync_once();
        lock.lock();
        syncing_ = false;
        if (!bad && syncing_through_ > durable_) {
            durable_ = syncing_through_;
        }
        synced_.notify_all();
        if (bad) {
            return bad;
        }
    }
}

Check WalSync::sync_once() {
    if (fd_ < 0) {
        const int fd = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            return HostError{"SQLite ledger's WAL " + wal_path_,
                             std::string("cannot be opened to sync it: ") + std::strerror(err),
                             "check the state directory; nothing was sent"};
        }
        const std::string dir = std::filesystem::path(wal_path_).parent_path().string();
        const int dir_fd =
            ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd >= 0) {
            ::fsync(dir_fd);  // the WAL's name, once
            ::close(dir_fd);
        }
        fd_ = fd;
    }
    if (::fdatasync(fd_) != 0) {
        const int err = errno;
        return HostError{"SQLite ledger's WAL " + wal_path_,
                         std::string("cannot be synced to disk: ") + std::strerror(err),
                         "check the disk; nothing was sent"};
    }
    return std::nullopt;
}

}  // namespace taskhost
