// A file the daemon appends lines to and reopens at its path on SIGHUP, so logrotate can move it
// away without copytruncate: the optional log file (--log-file, daemon.log_file; created 0640,
// the daemon's group may read it, as logrotate's "create 0640" does) and the audit log
// (audit_log.h; 0600). One write(2) per line, so lines from several threads never mix.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "util/host_error.h"

namespace taskhost {

class LogFile {
  public:
    // How the file is created, and what an error says: `where` names the setting
    // ("--log-file", "daemon.audit_log"), `fix` what to do when it cannot be opened.
    struct Kind {
        std::string where;
        mode_t mode = 0640;
        std::string fix =
            "create its directory and let the daemon's user write it, or choose another path";
    };
    static Result<std::unique_ptr<LogFile>> open(const std::string& path, Kind kind);
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    const std::string& path() const { return path_; }
    // `text` and a newline, in one write; false when it could not be written whole.
    bool write_line(const std::string& text);
    // A new file at the path; on failure the old one keeps receiving lines.
    Check reopen();

  private:
    LogFile(int fd, std::string path, Kind kind)
        : fd_(fd), path_(std::move(path)), kind_(std::move(kind)) {}

    std::mutex mutex_;
    int fd_;
    const std::string path_;
    const Kind kind_;
};

}  // namespace taskhost
