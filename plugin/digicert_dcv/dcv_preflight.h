// The read-only steps before a resend, in order: resolve a domain's name to its id (through the
// process-wide cache), read its DCV state (skip_if_validated), and read whom DigiCert would mail
// (check_recipients). Every GET goes through the task's CertCentralExchange, so it is paced,
// retried and counted like the resend. The first failure ends the pre-flight, and the task then
// sends nothing.
#pragma once

#include "certcentral_exchange.h"
#include "dcv_outcome.h"
#include "dcv_resend_spec.h"
#include "domain_name_cache.h"
#include "host_services.h"

namespace digicert_dcv {

struct PreflightResult {
    enum class End {
        kProceed,    // resend (or plan it)
        kValidated,  // DCV is complete: skip
        kFailed,
        kCancelled,
    } end = End::kProceed;
    PreflightFindings findings;
    TaskError error;   // kFailed / kCancelled
    int attempts = 0;  // of the failing read, for "after N attempts"
};

class DcvPreflight {
  public:
    DcvPreflight(const DcvResendSpec& spec, CertCentralExchange& exchange, DomainNameCache& cache,
                 HostServices& host)
        : spec_(spec), exchange_(exchange), cache_(cache), host_(host) {}

    PreflightResult run();

  private:
    bool resolve_domain(PreflightResult& result);
    bool check_dcv_state(PreflightResult& result);
    bool check_recipients(PreflightResult& result);
    // GETs `request`; on a 2xx returns true with its body in `body`, else fills `result`.
    bool read(const CertCentralRequest& request, const RequestSubject& subject,
              const std::string& step, PreflightResult& result, std::string& body);

    const DcvResendSpec& spec_;
    CertCentralExchange& exchange_;
    DomainNameCache& cache_;
    HostServices& host_;
};

}  // namespace digicert_dcv
