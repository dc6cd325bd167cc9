#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace taskhost {
namespace {

std::atomic<unsigned long> g_temp_counter{0};

HostError io_error(const std::string& path, const std::string& what, int err) {
    return HostError{"state file " + path, what + ": " + std::strerror(err),
                     "check that the state directory is on a writable, not full file system"};
}

}  // namespace

Check write_file_atomically(const std::string& dir, const std::string& name,
                            const std::string& content) {
    const std::string target = dir + "/" + name;
    const std::string temp = dir + "/." + name + ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(g_temp_counter.fetch_add(1));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return io_error(temp, "cannot create", errno);
    }
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            return io_error(temp, "cannot write", err);
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return io_error(temp, "cannot fsync", err);
    }
    ::close(fd);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return io_error(target, "cannot rename the temp file over it", err);
    }
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        return io_error(dir, "cannot open the directory to fsync it", errno);
    }
    const int synced = ::fsync(dir_fd);
    const int err = errno;
    ::close(dir_fd);
    if (synced != 0) {
        return io_error(dir, "cannot fsync the directory", err);
    }
    return std::nullopt;
}

void remove_stale_temp_files(const std::string& dir) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
            std::error_code ignored;
            std::filesystem::remove(it->path(), ignored);
        }
    }
}

}  // namespace taskhost
