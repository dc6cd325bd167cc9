// TLS client contexts, one per trust configuration, built once and shared by every session of
// this copy of the plugin. Verification is always strict (chain and host name); there is
// deliberately no way to turn it off: a `ca_file` only adds a trust anchor to the system store.
//
// All TLS state lives here, per loaded copy (generation) of the plugin: nothing touches Poco's
// process-wide SSLManager (its certificate handlers, its default contexts, its shutdown), which
// every copy loaded into the host shares. See tls_context_cache.cpp for why.
#pragma once

#include <Poco/Crypto/OpenSSLInitializer.h>
#include <Poco/Net/Context.h>

#include <map>
#include <mutex>
#include <string>

namespace digicert_dcv {

class TlsContextCache {
  public:
    // This copy's cache (the plugin's only other global besides the session pool and the
    // pacer), destroyed when the copy is unloaded.
    static TlsContextCache& shared();

    // The context trusting the system store plus `ca_file` (empty: the system store only).
    // Throws Poco::Exception when the file cannot be loaded as PEM.
    Poco::Net::Context::Ptr context_for(const std::string& ca_file);

  private:
    TlsContextCache();  // makes the system bundle's lookup method first (tls_context_cache.cpp)

    // OpenSSL initialised for as long as this copy lives: Poco::Crypto's reference count, so
    // unloading this copy balances its own initialisation and no other's. Declared first: it
    // outlives the contexts.
    Poco::Crypto::OpenSSLInitializer openssl_;
    std::mutex mutex_;
    std::map<std::string, Poco::Net::Context::Ptr> contexts_;
};

}  // namespace digicert_dcv
