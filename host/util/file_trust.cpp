#include "util/file_trust.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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
    if (Check bad = check_trusted_code_path(st, path, what)) {
        return bad;
    }
    return check_trusted_ancestors(path, what);
}

Check check_trusted_ancestors(const std::string& path, const std::string& what) {
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(path, ec);
    if (ec) {
        return HostError{what + " " + path, "cannot be resolved: " + ec.message(),
                         "check that it exists"};
    }
    for (std::filesystem::path up = real.parent_path(); !up.empty(); up = up.parent_path()) {
        struct stat st {};
        if (::stat(up.c_str(), &st) != 0) {
            const int err = errno;
            return HostError{what + " " + path,
                             "has an ancestor " + up.string() +
                                 " that cannot be examined: " + std::strerror(err),
                             "check the permissions of " + up.string()};
        }
        const bool sticky_root = st.st_uid == 0 && (st.st_mode & S_ISVTX) != 0;
        if (!sticky_root) {
            if (Check bad =
                    check_trusted_code_path(st, up.string(), what + " " + path + "'s ancestor")) {
                return bad;
            }
        }
        if (up == up.parent_path()) {
            break;  // the root
        }
    }
    return std::nullopt;
}

}  // namespace taskhost
