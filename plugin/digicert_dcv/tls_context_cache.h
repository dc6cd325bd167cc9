// TLS client contexts, one per trust configuration, built once and shared by every session in
// the process. Verification is always strict (chain and host name); there is deliberately no
// way to turn it off: a `ca_file` only adds a trust anchor to the system store.
#pragma once

#include <Poco/Net/Context.h>

#include <map>
#include <mutex>
#include <string>

namespace digicert_dcv {

class TlsContextCache {
  public:
    // The process-wide cache (the plugin's only other global besides the session pool and the
    // pacer).
    static TlsContextCache& shared();

    // The context trusting the system store plus `ca_file` (empty: the system store only).
    // Throws Poco::Exception when the file cannot be loaded as PEM.
    Poco::Net::Context::Ptr context_for(const std::string& ca_file);

  private:
    std::mutex mutex_;
    std::map<std::string, Poco::Net::Context::Ptr> contexts_;
};

// Once per process: OpenSSL/Poco initialisation and a certificate handler that rejects every
// certificate verification failure, so Poco never falls back to asking on stdin.
void ensure_tls_initialised();

}  // namespace digicert_dcv
