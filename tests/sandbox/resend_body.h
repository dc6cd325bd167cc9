// The body of PUT /domain/{id}/dcv/emails, checked the way CertCentral checks it: every field
// optional, `{}` valid, a wrong type is 400 bad_request_format.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sandbox {

struct ResendBody {
    std::optional<std::string> name_scope;
    std::optional<std::string> locale;
    std::vector<std::string> email_array;
};

// The parsed body, or a message naming the field that is wrong and what it should be.
// Unknown fields are ignored, as CertCentral does.
std::variant<ResendBody, std::string> parse_resend_body(const std::string& body);

}  // namespace sandbox
