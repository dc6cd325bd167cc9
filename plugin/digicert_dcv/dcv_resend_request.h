// The resend request a validated spec and its domain id turn into: what goes on the wire, and
// (with the key redacted) what a dry run and every outcome show.
#pragma once

#include <cstdint>

#include "certcentral_request.h"
#include "dcv_resend_spec.h"

namespace digicert_dcv {

// PUT {base}/domain/{domain_id}/dcv/emails with a JSON body of only the fields the spec gave.
// The id is passed apart from the spec because a spec may name the domain instead, and the
// id then comes from the name's resolution.
CertCentralRequest build_dcv_resend_request(const DcvResendSpec& spec, int64_t domain_id);

}  // namespace digicert_dcv
