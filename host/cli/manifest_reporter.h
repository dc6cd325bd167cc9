// How plan and apply talk to people and programs. stdout: one line per task (JSON with
// --json, else a short human line) and a summary at the end. stderr: logs, and on a terminal a
// progress bar that the log lines scroll above.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest_run.h"

namespace taskhost {

class ManifestReporter {
  public:
    ManifestReporter(std::ostream& out, std::ostream& err, ManifestMode mode, bool json,
                     bool verbose, bool progress_bar);

    ManifestRunObserver observer();
    // --json only: results already written as JSON (the daemon's), one per line, as they are.
    void json_results(const std::vector<std::string_view>& results);
    void summary(const ManifestRunSummary& summary);

  private:
    void started(size_t total);
    void finished(const ManifestTaskResult& result, const std::string& log);
    void clear_bar();
    void draw_bar();
    std::string human_line(const ManifestTaskResult& result) const;

    std::ostream& out_;
    std::ostream& err_;
    ManifestMode mode_;
    bool json_;
    bool verbose_;
    bool bar_;
    size_t total_ = 0;
    size_t done_ = 0;
    size_t changed_ = 0;
    size_t failed_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace taskhost
