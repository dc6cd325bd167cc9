#include "util/file_trust.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace taskhost {

Check check_trusted_code_path(const struct stat& st, const std::string& path,
                              const std::string& what) {
    if (st.st_uid != ::geteuid() && st.st_uid != 0) {
        return HostError{what + " " + path,
                         "is owned by uid " + std::to_string(st.st_uid) +
                             ", not by this user (uid " + std::to_string(::geteuid()) + ") or root",
                         "chown root " + path + " (or install it as the user taskhost runs as)"};
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        const bool other = (st.st_mode & S_IWOTH) != 0;
        return HostError{what + " " + path,
                         std::string("is writable by ") + (other ? "others" : "its group") +
                             " (mode " + mode + ")",
                         "chmod go-w " + path};
    }
    return std::nullopt;
}

Check check_trusted_directory(const std::string& path, const std::string& what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        return HostError{what + " " + path, std::string("cannot be used: ") + std::strerror(err),
                         "create it, or set \"plugin_dir\" in the config"};
    }
    if (!S_ISDIR(st.st_mode)) {
        return HostError{what + " " + path, "is not a directory",
                         "point \"plugin_dir\" at a directory of *.so plugins"};
    }
    return check_trusted_code_path(st, path, what);
}

}  // namespace taskhost
