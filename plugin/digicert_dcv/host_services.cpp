#include "host_services.h"

#include "printable_text.h"

namespace digicert_dcv {

void HostServices::log(taskhost_log_level level, const std::string& line) const {
    if (host_.offers_log()) {
        host_.log(level, redact(printable_excerpt(line, 1000), secret_));
    }
}

}  // namespace digicert_dcv
