#include "task_error.h"

namespace digicert_dcv {

const char* error_kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kInvalidInput:
            return "invalid_input";
        case ErrorKind::kAuth:
            return "auth";
        case ErrorKind::kPermission:
            return "permission";
        case ErrorKind::kNotFound:
            return "not_found";
        case ErrorKind::kRateLimited:
            return "rate_limited";
        case ErrorKind::kServer:
            return "server";
        case ErrorKind::kNetwork:
            return "network";
        case ErrorKind::kTls:
            return "tls";
        case ErrorKind::kTimeout:
            return "timeout";
        case ErrorKind::kCancelled:
            return "cancelled";
        case ErrorKind::kPlugin:
            return "plugin";
        case ErrorKind::kInternal:
            return "internal";
    }
    return "internal";
}

}  // namespace digicert_dcv
