#include "daemon/daemon_log.h"

#include <Poco/JSON/Object.h>

#include <chrono>

#include "ledger/utc_time.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

constexpr const char* kPrefix = "taskhost: ";

std::string one_line(std::string text) {
    for (char& c : text) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            c = ' ';
        }
    }
    return text;
}

// The level and message of a line from invoke_task: "taskhost: [warn] plugin p: ...".
LogLevel raw_level(const std::string& text, std::string& message) {
    message = text.compare(0, 10, kPrefix) == 0 ? text.substr(10) : text;
    if (message.size() > 2 && message.front() == '[') {
        const size_t close = message.find("] ");
        if (close != std::string::npos && close < 8) {
            if (std::optional<LogLevel> level = parse_log_level(message.substr(1, close - 1))) {
                message = message.substr(close + 2);
                return *level;
            }
        }
    }
    return LogLevel::kInfo;
}

}  // namespace

std::optional<LogLevel> parse_log_level(const std::string& text) {
    if (text == "debug") {
        return LogLevel::kDebug;
    }
    if (text == "info") {
        return LogLevel::kInfo;
    }
    if (text == "warn") {
        return LogLevel::kWarn;
    }
    if (text == "error") {
        return LogLevel::kError;
    }
    return std::nullopt;
}

std::optional<LogFormat> parse_log_format(const std::string& text) {
    if (text == "text") {
        return LogFormat::kText;
    }
    if (text == "json") {
        return LogFormat::kJson;
    }
    return std::nullopt;
}

const char* log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::kDebug:
            return "debug";
        case LogLevel::kInfo:
            return "info";
        case LogLevel::kWarn:
            return "warn";
        case LogLevel::kError:
            return "error";
    }
    return "info";
}

void DaemonLog::line(const std::string& text, LogLevel level, const std::string& job) {
    write(level, text, job);
}

void DaemonLog::raw_line(const std::string& text, const std::string& job) {
    std::string message;
    const LogLevel level = raw_level(text, message);
    write(level, message, job);
}

void DaemonLog::write(LogLevel level, const std::string& text, const std::string& job) {
    if (level < style_.level) {
        return;
    }
    const std::string at = format_utc(std::chrono::system_clock::now());
    std::string out;
    if (style_.format == LogFormat::kJson) {
        Poco::JSON::Object::Ptr line = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        line->set("ts", at);
        line->set("level", log_level_name(level));
        line->set("msg", one_line(text));
        if (!job.empty()) {
            line->set("job", one_line(job));
        }
        out = to_json(line);
    } else {
        std::string name = log_level_name(level);
        name.resize(5, ' ');
        out = at + " " + name + " " + kPrefix + one_line(text) +
              (job.empty() ? "" : " [job=" + one_line(job) + "]");
    }
    if (file_ != nullptr && file_->write_line(out)) {
        return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << out << std::endl;
}

Check DaemonLog::reopen() {
    return file_ != nullptr ? file_->reopen() : std::nullopt;
}

TaskLogStream::TaskLogStream(DaemonLog& log, std::string job)
    : std::ostream(nullptr), buffer_(log, std::move(job)) {
    rdbuf(&buffer_);
}

TaskLogStream::~TaskLogStream() {
    buffer_.pubsync();
}

// std::endl flushes, so each line invoke_task writes arrives here whole.
int TaskLogStream::LineBuffer::sync() {
    std::string text = str();
    str(std::string());
    size_t start = 0;
    for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        log_.raw_line(text.substr(start, end - start), job_);
        start = end + 1;
    }
    if (start < text.size()) {
        log_.raw_line(text.substr(start), job_);
    }
    return 0;
}

}  // namespace taskhost
