// Runs one validated resend to its outcome: the pre-flight reads the spec asks for (name
// resolution, DCV state, recipients), then the resend through the same paced, retried
// exchange. A dry run stops before the resend; without a key it also skips the reads.
#pragma once

#include "dcv_outcome.h"
#include "dcv_resend_spec.h"
#include "domain_name_cache.h"
#include "host_services.h"
#include "request_pacer.h"
#include "session_pool.h"

namespace digicert_dcv {

class DcvResendTask {
  public:
    DcvResendTask(const DcvResendSpec& spec, HostServices& host, SessionPool& pool,
                  RequestPacer& pacer, DomainNameCache& names)
        : spec_(spec), host_(host), pool_(pool), pacer_(pacer), names_(names) {}

    DcvOutcome run();

  private:
    const DcvResendSpec& spec_;
    HostServices& host_;
    SessionPool& pool_;
    RequestPacer& pacer_;
    DomainNameCache& names_;
};

// The outcome of a spec that did not validate: invalid_input naming the field; nothing sent.
DcvOutcome invalid_spec_outcome(const SpecError& error);

}  // namespace digicert_dcv
