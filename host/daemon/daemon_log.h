// The daemon's log: whole lines on stderr, never interleaved, from any thread. Plugin log
// lines reach it through TaskLogStream, which invoke_task writes to like any ostream.
#pragma once

#include <iosfwd>
#include <mutex>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>

namespace taskhost {

class DaemonLog {
  public:
    explicit DaemonLog(std::ostream& out) : out_(out) {}
    DaemonLog(const DaemonLog&) = delete;
    DaemonLog& operator=(const DaemonLog&) = delete;

    // "taskhost: " + text, one line (control characters become spaces).
    void line(const std::string& text);
    // A line already carrying its own "taskhost: ..." prefix (from invoke_task).
    void raw_line(const std::string& text);

  private:
    std::mutex mutex_;
    std::ostream& out_;
};

// An ostream that hands each completed line to a DaemonLog. One per task (not shared between
// threads); the DaemonLog does the locking.
class TaskLogStream : public std::ostream {
  public:
    explicit TaskLogStream(DaemonLog& log);
    ~TaskLogStream() override;

  private:
    class LineBuffer : public std::stringbuf {
      public:
        explicit LineBuffer(DaemonLog& log) : log_(log) {}
        int sync() override;

      private:
        DaemonLog& log_;
    };
    LineBuffer buffer_;
};

}  // namespace taskhost
