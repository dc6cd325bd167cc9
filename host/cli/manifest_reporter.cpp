#include "cli/manifest_reporter.h"

#include <Poco/JSON/Object.h>

#include <ostream>
#include <sstream>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

constexpr size_t kBarWidth = 30;

// The word a person scans for first.
std::string verb(const ManifestTaskResult& result, bool apply) {
    if (result.invalid) {
        return "invalid";
    }
    if (result.status == "cancelled") {
        return "cancelled";
    }
    if (result.failed) {
        return "FAILED";
    }
    if (result.changed) {
        return apply ? "sent" : "send";
    }
    return apply ? "unchanged" : "skip";
}

// Plugin info and debug lines are one per request: in a 1000-task apply they would bury the
// warnings. --verbose shows them.
std::string filtered_log(const std::string& log, bool verbose) {
    if (verbose) {
        return log;
    }
    std::istringstream lines(log);
    std::string line;
    std::string kept;
    while (std::getline(lines, line)) {
        if (line.find("] plugin ") != std::string::npos &&
            (line.find("[info]") != std::string::npos ||
             line.find("[debug]") != std::string::npos)) {
            continue;
        }
        kept += line + "\n";
    }
    return kept;
}

}  // namespace

ManifestReporter::ManifestReporter(std::ostream& out, std::ostream& err, ManifestMode mode,
                                   bool json, bool verbose, bool progress_bar)
    : out_(out), err_(err), mode_(mode), json_(json), verbose_(verbose), bar_(progress_bar) {}

ManifestRunObserver ManifestReporter::observer() {
    ManifestRunObserver observer;
    observer.started = [this](size_t total) { started(total); };
    observer.finished = [this](const ManifestTaskResult& result, const std::string& log) {
        finished(result, log);
    };
    return observer;
}

void ManifestReporter::started(size_t total) {
    total_ = total;
    draw_bar();
}

void ManifestReporter::finished(const ManifestTaskResult& result, const std::string& log) {
    ++done_;
    changed_ += result.changed ? 1 : 0;
    failed_ += result.failed ? 1 : 0;
    const std::string shown_log = filtered_log(log, verbose_);
    clear_bar();
    if (!shown_log.empty()) {
        err_ << shown_log << std::flush;
    }
    if (json_) {
        out_ << to_json(result.to_json()) << std::endl;
    } else {
        out_ << human_line(result) << std::endl;
    }
    const auto now = std::chrono::steady_clock::now();
    if (done_ == total_ || now - last_draw_ > std::chrono::milliseconds(100)) {
        draw_bar();
    }
}

void ManifestReporter::json_results(const std::vector<std::string_view>& results) {
    for (const std::string_view result : results) {
        out_.write(result.data(), static_cast<std::streamsize>(result.size())).put('\n');
    }
    done_ += results.size();
    out_.flush();
}

std::string ManifestReporter::human_line(const ManifestTaskResult& result) const {
    std::string word = verb(result, mode_ == ManifestMode::kApply);
    word.resize(std::max<size_t>(word.size(), 10), ' ');
    // An invalid task's message already names the file and the task.
    std::string line =
        word + (result.invalid ? result.msg : result_label(result) + ": " + result.msg);
    if (result.in_doubt) {
        line +=
            " [in doubt: a previous apply was killed while sending this task; it may have "
            "been received twice]";
    }
    return line;
}

void ManifestReporter::clear_bar() {
    if (bar_) {
        err_ << "\r\033[2K" << std::flush;
    }
}

void ManifestReporter::draw_bar() {
    if (!bar_ || total_ == 0) {
        return;
    }
    last_draw_ = std::chrono::steady_clock::now();
    const size_t filled = done_ * kBarWidth / total_;
    err_ << "\r\033[2K[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] "
         << done_ << "/" << total_ << "  " << (mode_ == ManifestMode::kApply ? "sent " : "to send ")
         << changed_ << "  failed " << failed_ << std::flush;
}

void ManifestReporter::summary(const ManifestRunSummary& s) {
    clear_bar();
    const bool apply = mode_ == ManifestMode::kApply;
    if (json_) {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("command", apply ? "apply" : "plan");
        body->set("manifests", static_cast<uint64_t>(s.manifests));
        body->set("tasks", static_cast<uint64_t>(s.tasks));
        body->set(apply ? "sent" : "would_send",
                  static_cast<uint64_t>(apply ? s.sent : s.would_send));
        body->set("unchanged", static_cast<uint64_t>(s.unchanged));
        body->set("failed", static_cast<uint64_t>(s.failed));
        body->set("invalid", static_cast<uint64_t>(s.invalid));
        body->set("in_doubt", static_cast<uint64_t>(s.in_doubt));
        body->set("strict_refused", s.strict_refused);
        body->set("elapsed_ms", s.elapsed_ms);
        Poco::JSON::Object::Ptr line = new Poco::JSON::Object;
        line->set("summary", body);
        out_ << to_json(line) << std::endl;
        return;
    }
    std::ostringstream text;
    text << (apply ? "apply: " : "plan: ") << s.tasks << " tasks in " << s.manifests << " manifest"
         << (s.manifests == 1 ? "" : "s") << ": " << (apply ? s.sent : s.would_send)
         << (apply ? " sent, " : " to send, ") << s.unchanged << " unchanged, " << s.failed
         << " failed";
    if (s.invalid > 0) {
        text << " (" << s.invalid << " invalid)";
    }
    if (s.in_doubt > 0) {
        text << ", " << s.in_doubt << " in doubt";
    }
    text << " in " << s.elapsed_ms / 1000 << "." << (s.elapsed_ms % 1000) / 100 << " s";
    if (s.strict_refused) {
        text << "; --strict: nothing ran because of the problems above";
    }
    out_ << text.str() << std::endl;
}

}  // namespace taskhost
