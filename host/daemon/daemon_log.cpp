#include "daemon/daemon_log.h"

namespace taskhost {
namespace {

std::string one_line(std::string text) {
    for (char& c : text) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            c = ' ';
        }
    }
    return text;
}

}  // namespace

void DaemonLog::line(const std::string& text) {
    raw_line("taskhost: " + text);
}

void DaemonLog::raw_line(const std::string& text) {
    const std::string clean = one_line(text);
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << clean << std::endl;
}

TaskLogStream::TaskLogStream(DaemonLog& log) : std::ostream(nullptr), buffer_(log) {
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
        log_.raw_line(text.substr(start, end - start));
        start = end + 1;
    }
    if (start < text.size()) {
        log_.raw_line(text.substr(start));
    }
    return 0;
}

}  // namespace taskhost
