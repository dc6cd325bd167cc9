// Runs one validated resend to its outcome: builds the request, then per attempt checks
// cancellation, takes a pacing turn (the host's, or the plugin's own pacer), sends, maps the
// answer, and retries what the RetryPolicy allows. A dry run stops after building the request.
#pragma once

#include "dcv_outcome.h"
#include "dcv_resend_spec.h"
#include "host_services.h"
#include "request_pacer.h"
#include "session_pool.h"

namespace digicert_dcv {

class DcvResendTask {
  public:
    DcvResendTask(const DcvResendSpec& spec, HostServices& host, SessionPool& pool,
                  RequestPacer& pacer)
        : spec_(spec), host_(host), pool_(pool), pacer_(pacer) {}

    DcvOutcome run();

  private:
    const DcvResendSpec& spec_;
    HostServices& host_;
    SessionPool& pool_;
    RequestPacer& pacer_;
};

// The outcome of a spec that did not validate: invalid_input naming the field; nothing sent.
DcvOutcome invalid_spec_outcome(const SpecError& error);

}  // namespace digicert_dcv
