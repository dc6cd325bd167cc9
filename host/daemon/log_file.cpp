#include "daemon/log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace taskhost {
namespace {

Result<int> open_log_file(const std::string& path, const LogFile::Kind& kind) {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, kind.mode);
    if (fd < 0) {
        const int err = errno;
        return HostError{kind.where + " " + path,
                         std::string("cannot be opened: ") + std::strerror(err), kind.fix};
    }
    return fd;
}

}  // namespace

Result<std::unique_ptr<LogFile>> LogFile::open(const std::string& path, Kind kind) {
    Result<int> fd = open_log_file(path, kind);
    if (!fd.ok()) {
        return fd.error();
    }
    return std::unique_ptr<LogFile>(new LogFile(fd.value(), path, std::move(kind)));
}

LogFile::~LogFile() {
    ::close(fd_);
}

bool LogFile::write_line(const std::string& text) {
    const std::string line = text + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    size_t done = 0;
    while (done < line.size()) {
        const ssize_t wrote = ::write(fd_, line.data() + done, line.size() - done);
        if (wrote < 0 && errno == EINTR) {
            continue;
        }
        if (wrote <= 0) {
            return false;
        }
        done += static_cast<size_t>(wrote);
    }
    return true;
}

Check LogFile::reopen() {
    Result<int> fd = open_log_file(path_, kind_);
    if (!fd.ok()) {
        return fd.error();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ::close(fd_);
    fd_ = fd.value();
    return std::nullopt;
}

}  // namespace taskhost
