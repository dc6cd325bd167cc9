#include "dcv_validity.h"

#include <Poco/String.h>

#include <algorithm>
#include <cstdint>

#include "printable_text.h"

namespace digicert_dcv {
namespace {

using Clock = std::chrono::system_clock;

std::string shown(const std::string& text) {
    return quoted_excerpt(text, 40);
}

std::string type_name(const std::string& type) {
    return type.empty() ? "validation" : Poco::toUpper(printable_excerpt(type, 16)) + " validation";
}

ValidationVerdict& verdict_for(std::vector<ValidationVerdict>& types, const std::string& type) {
    const auto found = std::find_if(types.begin(), types.end(), [&](const ValidationVerdict& v) {
        return Poco::icompare(v.type, type) == 0;
    });
    if (found != types.end()) {
        return *found;
    }
    types.push_back(ValidationVerdict{type, "", "", std::nullopt, false, false, ""});
    return types.back();
}

// Keeps the earlier of the expiry it has and `text` (a date that does not parse is kept as
// text when there is no other, and judged unknown).
void take_expiry(ValidationVerdict& verdict, const std::string& text) {
    if (text.empty()) {
        return;
    }
    const auto at = parse_digicert_time(text);
    if (at && (!verdict.until || *at < *verdict.until)) {
        verdict.until = at;
        verdict.valid_until = text;
    } else if (!verdict.until && verdict.valid_until.empty()) {
        verdict.valid_until = text;
    }
}

// status is the validation's state (pending|active); dcv_status says how far the DCV step got.
// The worse of what DigiCert says wins: pending or expired over active, either over nothing.
// A dcv_status "complete" (or any other) does not make a validation active.
void take_status(ValidationVerdict& verdict, const std::string& status, bool is_dcv_status) {
    const std::string lower = Poco::toLower(status);
    const bool bad = lower == "pending" || lower == "expired";
    if (status.empty() || (is_dcv_status && !bad)) {
        return;
    }
    const std::string current = Poco::toLower(verdict.status);
    if (current.empty() || (bad && current != "pending" && current != "expired")) {
        verdict.status = status;
    }
}

void judge_type(ValidationVerdict& verdict, Clock::time_point now, std::chrono::seconds window) {
    const std::string name = type_name(verdict.type);
    const std::string status = Poco::toLower(verdict.status);
    if (status == "pending" || status == "expired") {
        verdict.pending = verdict.due = true;
        verdict.reason =
            "the " + name + " is " + printable_excerpt(Poco::toLower(verdict.status), 32);
    } else if (!status.empty() && status != "active") {
        verdict.due = true;
        verdict.reason = "the " + name + " has status " + printable_excerpt(verdict.status, 32);
    } else if (verdict.until && *verdict.until <= now) {
        verdict.pending = verdict.due = true;
        verdict.reason =
            "the " + name + " expired at " + printable_excerpt(verdict.valid_until, 64);
    } else if (verdict.until && window.count() > 0 && *verdict.until <= now + window) {
        verdict.due = true;
        verdict.reason = "the " + name + " expires at " +
                         printable_excerpt(verdict.valid_until, 64) + ", within " +
                         format_duration(window);
    } else if (!verdict.until && window.count() > 0) {
        verdict.due = true;
        verdict.reason = "DigiCert gives no expiry for the " + name +
                         (verdict.valid_until.empty()
                              ? ""
                              : " that can be read (" + shown(verdict.valid_until) + ")") +
                         ", so whether it lasts " + format_duration(window) + " is unknown";
    }
}

}  // namespace

DcvVerdict judge_dcv(const DomainDcvState& state, Clock::time_point now,
                     std::chrono::seconds window) {
    DcvVerdict verdict;
    verdict.window = window;
    for (const DomainValidation& validation : state.validations) {
        ValidationVerdict& type = verdict_for(verdict.types, validation.type);
        take_status(type, validation.status, false);
        take_status(type, validation.dcv_status, true);
        take_expiry(type, validation.validated_until);
    }
    for (const auto& [type, date] : state.dcv_expiration) {
        take_expiry(verdict_for(verdict.types, type), date);
    }
    // The domain's own DCV expiry bounds every validation type it has.
    for (ValidationVerdict& type : verdict.types) {
        take_expiry(type, state.dcv_expiration_datetime);
    }
    if (verdict.types.empty()) {
        verdict.reason = "DigiCert lists no validation for this domain";
        return verdict;
    }
    std::optional<Clock::time_point> earliest;
    for (ValidationVerdict& type : verdict.types) {
        judge_type(type, now, window);
        if (type.due && verdict.reason.empty()) {
            verdict.reason = type.reason;
        }
        if (type.until && (!earliest || *type.until < *earliest)) {
            earliest = type.until;
            verdict.valid_until = type.valid_until;
        }
    }
    verdict.complete = verdict.reason.empty();
    const bool any_pending =
        std::any_of(verdict.types.begin(), verdict.types.end(),
                    [](const ValidationVerdict& type) { return type.pending; });
    verdict.pending_flag_disagrees = state.is_pending_validation == true && !any_pending;
    return verdict;
}

std::optional<std::chrono::seconds> parse_duration(const std::string& text,
                                                   std::chrono::seconds max) {
    if (text.size() < 2 || text.size() > 12) {
        return std::nullopt;
    }
    int64_t unit = 0;
    switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        default:
            return std::nullopt;
    }
    int64_t number = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9' || number > max.count()) {
            return std::nullopt;
        }
        number = number * 10 + (text[i] - '0');
    }
    if (number == 0 || number > max.count() / unit) {
        return std::nullopt;
    }
    return std::chrono::seconds(number * unit);
}

std::string format_duration(std::chrono::seconds duration) {
    const int64_t seconds = duration.count();
    for (const auto& [unit, suffix] :
         {std::pair<int64_t, char>{86400, 'd'}, {3600, 'h'}, {60, 'm'}}) {
        if (seconds > 0 && seconds % unit == 0) {
            return std::to_string(seconds / unit) + suffix;
        }
    }
    return std::to_string(seconds) + "s";
}

}  // namespace digicert_dcv
