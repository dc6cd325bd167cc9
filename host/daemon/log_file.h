// The daemon's optional log file (--log-file, daemon.log_file): appended to, created 0640 (the
// daemon's group may read it, as logrotate's "create 0640" does), one write(2) per line so lines
// from several threads never mix, and reopened at its path on SIGHUP so logrotate can move it
// away without copytruncate.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "util/host_error.h"

namespace taskhost {

class LogFile {
  public:
    // `where` names the setting in errors ("--log-file" or "daemon.log_file").
    static Result<std::unique_ptr<LogFile>> open(const std::string& path, const std::string& where);
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    const std::string& path() const { return path_; }
    // `text` and a newline, in one write; false when it could not be written whole.
    bool write_line(const std::string& text);
    // A new file at the path; on failure the old one keeps receiving lines.
    Check reopen();

  private:
    LogFile(int fd, std::string path, std::string where)
        : fd_(fd), path_(std::move(path)), where_(std::move(where)) {}

    std::mutex mutex_;
    int fd_;
    const std::string path_;
    const std::string where_;
};

}  // namespace taskhost
