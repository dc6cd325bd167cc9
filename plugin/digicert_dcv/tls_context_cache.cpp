#include "tls_context_cache.h"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

namespace digicert_dcv {
namespace {

// Bounded so that a stream of distinct ca_file paths cannot grow the cache without end.
constexpr std::size_t kMaxContexts = 32;

Poco::Net::Context::Ptr make_client_context(const std::string& ca_file) {
    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_CLIENT_USE, "", "", ca_file,
                                       Context::VERIFY_STRICT, 9, /*loadDefaultCAs=*/true);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    context->enableExtendedCertificateVerification(true);  // the host-name check
    context->enableSessionCache(true);
    return context;
}

}  // namespace

void ensure_tls_initialised() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        // Balance the initialisation when the plugin is unloaded (dlclose takes Poco's SSL
        // libraries with it): otherwise every reload of the plugin leaks OpenSSLInitializer's
        // state. Plugin statics are destroyed before the libraries they depend on.
        static const struct SslShutdown {
            ~SslShutdown() { Poco::Net::uninitializeSSL(); }
        } ssl_shutdown;
        (void)ssl_shutdown;
        Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject =
            new Poco::Net::RejectCertificateHandler(false);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject,
                                                           make_client_context(""));
    });
}

TlsContextCache& TlsContextCache::shared() {
    static TlsContextCache cache;
    return cache;
}

Poco::Net::Context::Ptr TlsContextCache::context_for(const std::string& ca_file) {
    ensure_tls_initialised();
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto it = contexts_.find(ca_file); it != contexts_.end()) {
        return it->second;
    }
    if (contexts_.size() >= kMaxContexts) {
        contexts_.clear();  // sessions keep their own reference; only the cache forgets
    }
    Poco::Net::Context::Ptr context = make_client_context(ca_file);
    contexts_.emplace(ca_file, context);
    return context;
}

}  // namespace digicert_dcv
