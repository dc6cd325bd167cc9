// A posted manifest's answer read as the daemon streams it (application/x-ndjson): a line per
// result as its task ends, printed at once as a local plan or apply prints it (--json: the
// daemon's text itself, once it is checked to be one well-formed JSON object), then a summary
// line. A line that is not what it should be ends the reading with an error naming it; the
// lines before it are printed already, as a local run's would be.
#pragma once

#include <optional>
#include <string>

#include "cli/manifest_reporter.h"
#include "manifest/manifest_run.h"
#include "util/host_error.h"

namespace taskhost {

class StreamedReport {
  public:
    // `what` names the answer in errors; `observer` is `reporter`'s.
    StreamedReport(std::string what, bool json, const ManifestRunObserver& observer,
                   ManifestReporter& reporter)
        : what_(std::move(what)), json_(json), observer_(observer), reporter_(reporter) {}

    Check line(const std::string& text);
    // Absent until the summary line came.
    const std::optional<ManifestRunSummary>& summary() const { return summary_; }

  private:
    Check result_line(const std::string& text);

    std::string what_;
    bool json_;
    const ManifestRunObserver& observer_;
    ManifestReporter& reporter_;
    size_t results_ = 0;
    std::optional<ManifestRunSummary> summary_;
};

}  // namespace taskhost
