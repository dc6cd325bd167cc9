#include "util/host_error.h"

namespace taskhost {

std::string HostError::text() const {
    std::string line = where.empty() ? problem : where + ": " + problem;
    if (!fix.empty()) {
        line += "; fix: " + fix;
    }
    return line;
}

HostErrorException::HostErrorException(HostError error)
    : error_(std::move(error)), text_(error_.text()) {}

void fail(std::string where, std::string problem, std::string fix) {
    throw HostErrorException(HostError{std::move(where), std::move(problem), std::move(fix)});
}

}  // namespace taskhost
