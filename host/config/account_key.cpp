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
Result<ApiKey> finish_key(std::string raw, const std::string& where,
                          const std::string& fix_source) {
    while (!raw.empty() &&
           (raw.back() == '\n' || raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
        raw.pop_back();
    }
    if (raw.empty()) {
        wipe(raw);
        return HostError{where, "is empty", "put the API key in " + fix_source};
    }
    // A key travels in an HTTP header: printable ASCII without spaces is all it can be.
    for (size_t i = 0; i < raw.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(raw[i]);
        if (c <= 0x20 || c >= 0x7f) {
            wipe(raw);
            return HostError{where,
                             std::string(c < 0x20 || c == 0x7f ? "contains a control character"
                                         : c == 0x20           ? "contains a space"
                                                               : "contains a non-ASCII byte") +
                                 " at byte " + std::to_string(i + 1),
                             "write the key alone on one line in " + fix_source};
        }
    }
    return ApiKey(std::move(raw));
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
    std::string raw(kMaxKeyFileBytes + 1, '\0');
    size_t used = 0;
    while (used < raw.size()) {
        const ssize_t got = ::read(file.fd(), &raw[used], raw.size() - used);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            const int err = errno;
            wipe(raw);
            return HostError{where, std::string("cannot be read: ") + std::strerror(err),
                             "check the file"};
        }
        if (got == 0) {
            break;
        }
        used += static_cast<size_t>(got);
    }
    if (used > kMaxKeyFileBytes) {
        wipe(raw);
        return HostError{where,
                         "grew past the limit of " + std::to_string(kMaxKeyFileBytes) + " bytes",
                         "write only the API key into it"};
    }
    std::string key = raw.substr(0, used);
    wipe(raw);
    return finish_key(std::move(key), where, path);
}

}  // namespace

void wipe(std::string& secret) {
    volatile char* bytes = secret.empty() ? nullptr : &secret[0];
    for (size_t i = 0; i < secret.size(); ++i) {
        bytes[i] = '\0';
    }
    secret.clear();
    secret.shrink_to_fit();
}

ApiKey::~ApiKey() {
    wipe(value_);
}

ApiKey::ApiKey(ApiKey&& other) noexcept : value_(std::move(other.value_)) {
    wipe(other.value_);
}

ApiKey& ApiKey::operator=(ApiKey&& other) noexcept {
    if (this != &other) {
        wipe(value_);
        value_ = std::move(other.value_);
        wipe(other.value_);
    }
    return *this;
}

Result<ApiKey> resolve_account_key(const AccountConfig& account) {
    return account.key_source == KeySource::kEnvironment ? key_from_environment(account)
                                                         : key_from_file(account);
}

}  // namespace taskhost
