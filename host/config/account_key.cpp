#include "config/account_key.h"
#include "util/secret_file_mode.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace taskhost {
namespace {

// A key file descriptor closed on every path out.
class OpenFile {
  public:
    explicit OpenFile(int fd) : fd_(fd) {}
    ~OpenFile() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    int fd() const { return fd_; }

  private:
    int fd_;
};

// Trims trailing whitespace and refuses anything but printable ASCII; `where` names the source.
// `raw` is read in place (the caller wipes it): the key is copied only into the ApiKey.
Result<ApiKey> finish_key(std::string_view raw, const std::string& where,
                          const std::string& fix_source) {
    while (!raw.empty() &&
           (raw.back() == '\n' || raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
        raw.remove_suffix(1);
    }
    if (raw.empty()) {
        return HostError{where, "is empty", "put the API key in " + fix_source};
    }
    // A key travels in an HTTP header: printable ASCII without spaces is all it can be.
    for (size_t i = 0; i < raw.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(raw[i]);
        if (c <= 0x20 || c >= 0x7f) {
            return HostError{where,
                             std::string(c < 0x20 || c == 0x7f ? "contains a control character"
                                         : c == 0x20           ? "contains a space"
                                                               : "contains a non-ASCII byte") +
                                 " at byte " + std::to_string(i + 1),
                             "write the key alone on one line in " + fix_source};
        }
    }
    return ApiKey(raw);
}

// The key file's bytes, read into `raw` (the caller wipes it); the number read, or an error.
Result<size_t> read_key_file(int fd, char* raw, size_t capacity, const std::string& where) {
    size_t used = 0;
    while (used < capacity) {
        const ssize_t got = ::read(fd, raw + used, capacity - used);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            const int err = errno;
            return HostError{where, std::string("cannot be read: ") + std::strerror(err),
                             "check the file"};
        }
        if (got == 0) {
            break;
        }
        used += static_cast<size_t>(got);
    }
    return used;
}

Result<ApiKey> key_from_environment(const AccountConfig& account) {
    const std::string where =
        "account " + account.name + ": environment variable " + account.key_env;
    const char* value = std::getenv(account.key_env.c_str());
    if (value == nullptr) {
        return HostError{where, "is not set",
                         "export " + account.key_env + " in taskhost's environment"};
    }
    return finish_key(value, where, "$" + account.key_env);
}

Result<ApiKey> key_from_file(const AccountConfig& account) {
    const std::string& path = account.key_file;
    const std::string where = "account " + account.name + ": key file " + path;
    OpenFile file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (file.fd() < 0) {
        const int err = errno;
        return HostError{where, std::string("cannot be opened: ") + std::strerror(err),
                         "create it with the API key on one line, then chmod 600 " + path};
    }
    // Checked on the open descriptor, so the file read is the file checked.
    struct stat st {};
    if (::fstat(file.fd(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return HostError{where, "is not a regular file", "point api_key_file at a regular file"};
    }
    if (st.st_uid != ::geteuid() && st.st_uid != 0) {
        return HostError{where,
                         "is owned by uid " + std::to_string(st.st_uid) +
                             ", not by this user (uid " + std::to_string(::geteuid()) + ") or root",
                         "chown $(id -un) " + path};
    }
    if (Check bad = check_secret_file_mode(st, where, path)) {
        return *bad;
    }
    if (st.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
        return HostError{where,
                         "is " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                             std::to_string(kMaxKeyFileBytes),
                         "write only the API key into it"};
    }
    // Read into pages that core dumps leave out, wiped when this returns.
    SecretBuffer raw(kMaxKeyFileBytes + 1);
    char* bytes = raw.data();
    const Result<size_t> used = read_key_file(file.fd(), bytes, raw.capacity(), where);
    if (!used.ok()) {
        return used.error();
    }
    if (used.value() > kMaxKeyFileBytes) {
        return HostError{where,
                         "grew past the limit of " + std::to_string(kMaxKeyFileBytes) + " bytes",
                         "write only the API key into it"};
    }
    return finish_key(std::string_view(bytes, used.value()), where, path);
}

}  // namespace

void wipe(std::string& secret) {
    secret.resize(secret.capacity());  // within the buffer: what a trim left behind too
    wipe_memory(secret.data(), secret.size());
    secret.clear();
    secret.shrink_to_fit();
}

Result<ApiKey> resolve_account_key(const AccountConfig& account) {
    return account.key_source == KeySource::kEnvironment ? key_from_environment(account)
                                                         : key_from_file(account);
}

}  // namespace taskhost
