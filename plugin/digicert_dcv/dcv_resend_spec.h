// The task spec (JSON text in) parsed and validated into a DcvResendSpec value, before any
// network use. A bad spec yields a SpecError naming the field path and the fix; the value of
// connection.api_key is never echoed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "connection_settings.h"
#include "dcv_resend_params.h"
#include "domain_list_params.h"

namespace digicert_dcv {

inline constexpr std::string_view kTaskName = "digicert.dcv.resend";

// Limits: every parser has them.
inline constexpr std::size_t kMaxSpecBytes = 64 * 1024;
inline constexpr std::size_t kMaxSpecDepth = 16;
inline constexpr std::size_t kMaxIdLength = 128;

struct DcvResendSpec {
    std::optional<std::string> id;
    bool dry_run = false;
    DcvResendParams params;
    ConnectionSettings connection;
};

struct SpecError {
    std::string field;  // "params.domain_id", "connection.retry.max_attempts"; "$" = the whole spec
    std::string msg;    // "<field>: <problem>; <fix>"
    // What the outcome can still name, when it could be read (sanitised).
    std::optional<std::string> task;
    std::optional<std::string> id;
};

// Either task of the plugin, by the spec's "task". The API key is taken out of the text before
// Poco's parser reads it (spec_key_blanking.h); `key_reached_parser` says when it could not be,
// and the parser may have left copies of it in freed memory (the caller then scrubs).
std::variant<DcvResendSpec, DomainListSpec, SpecError> parse_task_spec(std::string_view json,
                                                                       bool& key_reached_parser);
std::variant<DcvResendSpec, DomainListSpec, SpecError> parse_task_spec(std::string_view json);

// A resend's spec (any other task is a SpecError naming "task").
std::variant<DcvResendSpec, SpecError> parse_dcv_resend_spec(std::string_view json);

}  // namespace digicert_dcv
