#include "domain_dcv_state.h"

#include <ctime>

#include "certcentral_request.h"
#include "printable_text.h"
#include "response_json.h"

namespace digicert_dcv {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

}  // namespace

DomainDcvState read_domain_dcv_state(const Object& object, const std::string& path) {
    const auto at = [&path](const std::string& name) {
        return path.empty() ? name : path + "." + name;
    };
    DomainDcvState state;
    state.id = response_integer(object, path, "id");
    state.name = response_string(object, path, "name").value_or("");
    state.is_active = response_bool(object, path, "is_active");
    state.is_pending_validation = response_bool(object, path, "is_pending_validation");
    state.dcv_method = response_string(object, path, "dcv_method").value_or("");
    state.dcv_approval_datetime =
        response_string(object, path, "dcv_approval_datetime").value_or("");
    state.dcv_expiration_datetime =
        response_string(object, path, "dcv_expiration_datetime").value_or("");
    const Array::Ptr validations = response_array(object, path, "validations", kMaxValidations);
    for (std::size_t i = 0; i < validations->size(); ++i) {
        const std::string entry_path = at("validations[" + std::to_string(i) + "]");
        const Object::Ptr entry = response_object_at(*validations, i, at("validations"));
        DomainValidation validation;
        validation.type = response_string(*entry, entry_path, "type").value_or("");
        validation.status = response_string(*entry, entry_path, "status").value_or("");
        validation.dcv_status = response_string(*entry, entry_path, "dcv_status").value_or("");
        validation.validated_until =
            response_string(*entry, entry_path, "validated_until").value_or("");
        state.validations.push_back(std::move(validation));
    }
    if (const Object::Ptr expiration = response_optional_object(object, path, "dcv_expiration")) {
        if (expiration->size() > kMaxValidations) {
            throw ResponseInvalid{at("dcv_expiration") + " has more than " +
                                  std::to_string(kMaxValidations) + " entries"};
        }
        for (const std::string& type : expiration->getNames()) {
            if (const auto date =
                    response_string(*expiration, at("dcv_expiration"), type.c_str())) {
                state.dcv_expiration.emplace_back(type, *date);
            }
        }
    }
    return state;
}

std::variant<DomainDcvState, std::string> parse_domain_dcv_state(std::string_view body) {
    try {
        const Object::Ptr root = parse_response_object(body, kMaxResponseBody, kMaxDomainInfoDepth);
        return read_domain_dcv_state(*root, "");
    } catch (const ResponseInvalid& e) {
        return e.msg;
    }
}

std::optional<std::chrono::system_clock::time_point> parse_digicert_time(std::string_view text) {
    // Strict on purpose (Poco's parser accepts almost anything): YYYY-MM-DD, optionally
    // followed by [T ]HH:MM:SS[.fraction] and Z or a +HH:MM / -HH:MM offset.
    std::size_t pos = 0;
    const auto number = [&](std::size_t digits, int& out) {
        if (pos + digits > text.size()) {
            return false;
        }
        out = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            const char c = text[pos + i];
            if (c < '0' || c > '9') {
                return false;
            }
            out = out * 10 + (c - '0');
        }
        pos += digits;
        return true;
    };
    const auto literal = [&](char c) {
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    };
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset_minutes = 0;
    if (!number(4, year) || !literal('-') || !number(2, month) || !literal('-') ||
        !number(2, day)) {
        return std::nullopt;
    }
    if (pos < text.size()) {
        if (!(literal('T') || literal(' ')) || !number(2, hour) || !literal(':') ||
            !number(2, minute) || !literal(':') || !number(2, second)) {
            return std::nullopt;
        }
        if (literal('.')) {
            int digit = 0;
            if (!number(1, digit)) {
                return std::nullopt;
            }
            while (number(1, digit)) {
            }
        }
        if (!literal('Z') && pos < text.size()) {
            const bool negative = text[pos] == '-';
            int offset_hours = 0, offset_mins = 0;
            if (!(literal('+') || literal('-')) || !number(2, offset_hours) || !literal(':') ||
                !number(2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
                return std::nullopt;
            }
            offset_minutes = (negative ? -1 : 1) * (offset_hours * 60 + offset_mins);
        }
    }
    if (pos != text.size() || year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 ||
        hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    // system_clock counts nanoseconds in 64 bits: it ends in 2262. Any later date is simply
    // "far in the future" (found by fuzzing: a year like 4052 overflowed the conversion).
    if (year > 2200) {
        return std::chrono::system_clock::time_point::max();
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t utc = timegm(&tm) - static_cast<std::time_t>(offset_minutes) * 60;
    return std::chrono::system_clock::from_time_t(utc);
}

}  // namespace digicert_dcv
