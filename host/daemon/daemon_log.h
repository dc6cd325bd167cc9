// The daemon's log: whole lines on stderr, or in the log file (--log-file, daemon.log_file;
// reopened on SIGHUP), never interleaved, from any thread. Each line has a time (RFC 3339, UTC,
// milliseconds) and a level; as text for a terminal
//   2026-11-30T08:51:00.123Z info  taskhost: serving on ...   [job=JOB]
// or, with --log-format json (daemon.log_format), one JSON object per line for journald and
// log shippers: {"ts", "level", "msg", "job"?}. Lines below the --log-level are dropped. Every
// line of a task (its plugin's log lines too) carries the task's job id. Plugin log lines reach
// it through TaskLogStream, which invoke_task writes to like any ostream.
#pragma once

#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>

#include "daemon/log_file.h"
#include "util/host_error.h"

namespace taskhost {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

struct LogStyle {
    LogFormat format = LogFormat::kText;
    LogLevel level = LogLevel::kInfo;  // lines below it are dropped
};

// "debug", "info", "warn", "error"; "text", "json". nullopt: not one of them.
std::optional<LogLevel> parse_log_level(const std::string& text);
std::optional<LogFormat> parse_log_format(const std::string& text);
const char* log_level_name(LogLevel level);

class DaemonLog {
  public:
    // To `file` when given (--log-file, daemon.log_file), else to `out` (stderr). A line the
    // file cannot take goes to `out`.
    explicit DaemonLog(std::ostream& out, LogStyle style = LogStyle(),
                       std::unique_ptr<LogFile> file = nullptr)
        : out_(out), style_(style), file_(std::move(file)) {}
    DaemonLog(const DaemonLog&) = delete;
    DaemonLog& operator=(const DaemonLog&) = delete;

    // SIGHUP: the log file, if any, reopened at its path (logrotate moved it away). On failure
    // lines keep going to the old file.
    Check reopen();

    // "taskhost: " + text, one line (control characters become spaces).
    void line(const std::string& text, LogLevel level = LogLevel::kInfo,
              const std::string& job = "");
    // A line already carrying its own "taskhost: ..." prefix (from invoke_task), with the
    // plugin's "[level]" after it when it has one.
    void raw_line(const std::string& text, const std::string& job = "");

  private:
    void write(LogLevel level, const std::string& text, const std::string& job);

    std::mutex mutex_;
    std::ostream& out_;
    const LogStyle style_;
    const std::unique_ptr<LogFile> file_;
};

// An ostream that hands each completed line to a DaemonLog, naming `job`. One per task (not
// shared between threads); the DaemonLog does the locking.
class TaskLogStream : public std::ostream {
  public:
    explicit TaskLogStream(DaemonLog& log, std::string job = "");
    ~TaskLogStream() override;

  private:
    class LineBuffer : public std::stringbuf {
      public:
        LineBuffer(DaemonLog& log, std::string job) : log_(log), job_(std::move(job)) {}
        int sync() override;

      private:
        DaemonLog& log_;
        const std::string job_;
    };
    LineBuffer buffer_;
};

}  // namespace taskhost
