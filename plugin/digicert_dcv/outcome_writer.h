// Renders a DcvOutcome as the outcome JSON handed to host->emit. The key header is always
// redacted, and `secret` is redacted from every string written (a server may echo it).
#pragma once

#include <string>
#include <string_view>

#include "dcv_outcome.h"

namespace digicert_dcv {

const char* outcome_status_name(OutcomeStatus status);

std::string write_outcome(const DcvOutcome& outcome, std::string_view secret);

// For the ABI wrapper: an "internal" outcome for an exception that escaped everything else.
std::string write_internal_outcome(std::string_view what);

}  // namespace digicert_dcv
