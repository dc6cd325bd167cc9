#include "util/secret_file_mode.h"

#include <cstdio>

namespace taskhost {

bool secret_file_mode_ok(mode_t mode) {
    const mode_t bits = mode & 07777;
    return bits == 0600 || bits == 0400;
}

Check check_secret_file_mode(const struct stat& st, const std::string& where,
                             const std::string& path) {
    if (secret_file_mode_ok(st.st_mode)) {
        return std::nullopt;
    }
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    const bool shared = (st.st_mode & 077) != 0;
    return HostError{where,
                     std::string("has mode ") + mode +
                         (shared ? ", which lets group or others read or change it"
                                 : ", not 0600 or 0400 (no execute, setuid, setgid or sticky bit)"),
                     "chmod 600 " + path};
}

}  // namespace taskhost
