// Runs digicert.domain.list: reads every page of the account's domain list (with DCV state and
// validations; each page paced, retried and cancellable like any request), judges each domain
// per validation type, and keeps those the filters select. Read-only: it never changes
// anything at DigiCert, and a dry run runs it all the same.
#pragma once

#include "dcv_outcome.h"
#include "domain_list_params.h"
#include "host_services.h"
#include "request_pacer.h"
#include "session_pool.h"

namespace digicert_dcv {

class DomainListTask {
  public:
    DomainListTask(const DomainListSpec& spec, HostServices& host, SessionPool& pool,
                   RequestPacer& pacer)
        : spec_(spec), host_(host), pool_(pool), pacer_(pacer) {}

    DcvOutcome run();

  private:
    const DomainListSpec& spec_;
    HostServices& host_;
    SessionPool& pool_;
    RequestPacer& pacer_;
};

}  // namespace digicert_dcv
