#include "tls_context_cache.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace digicert_dcv {
namespace {

// Bounded so that a stream of distinct ca_file paths cannot grow the cache without end.
constexpr std::size_t kMaxContexts = 32;

// Why no SSLManager (Poco 1.11, NetSSL_OpenSSL/src/SSLManager.cpp and Context.cpp):
//  - SSLManager is one singleton in libPocoNetSSL, shared by every copy of the plugin the host
//    has loaded. initializeClient() overwrites its client handler and default context without
//    a lock (while other threads' verify callbacks read the handler), and uninitializeSSL()
//    calls SSLManager::shutdown(), which drops the default contexts and every
//    ClientVerificationError delegate. Each copy of this plugin used to do both: loading a new
//    copy replaced what the old one had installed, and unloading the old copy then cleared
//    what the new one relied on.
//  - None of it is needed. A Context built here is passed explicitly to every
//    HTTPSClientSession, so SSLManager::defaultClientContext() (the only path that builds a
//    handler from an Application's config, ConsoleCertificateHandler by default, which asks
//    "Accept the certificate (y,n)?" on stdin) is never called.
//  - Poco's Context installs SSLManager::verifyClientCallback, which on a failed check asks
//    the Context's handler, else the process-wide one (whatever was installed last, possibly
//    an accepting one), then notifies the process-wide ClientVerificationError event, whose
//    delegates may also set "ignore". With the old setup, an AcceptCertificateHandler
//    installed after the plugin's own let a self-signed certificate through (see
//    tests/plugin/plugin_tls_test.cpp). Putting OpenSSL's own verdict back (a NULL callback
//    with the same VERIFY_STRICT mode) makes a failed chain fail the handshake, whatever any
//    process-wide handler or delegate says. Poco's host-name check (verifyPeerCertificate,
//    VERIFY_STRICT + extended verification) is unaffected: it reads the Context's mode, not
//    the callback.
void use_openssl_verdict_only(SSL_CTX* context) {
    SSL_CTX_set_verify(context, SSL_CTX_get_verify_mode(context), nullptr);
}

// The ThreadSanitizer report (ASN1_STRING_cmp racing ASN1_STRING_set under
// CertCentralExchange::run with concurrent executions) is not a Context being reconfigured
// (a Context is complete before it is cached, and SSLManager's default context was never used
// by a session): it is a trust anchor inside the X509_STORE of the one Context every thread's
// sessions share. OpenSSL 3 fills a certificate's extension cache (ossl_x509v3_cache_extensions:
// SHA-1 hash, key usage, subject/authority key identifiers) lazily, on the certificate's first
// verification, on whichever thread verifies first, under the certificate's lock: decoding the
// 20-byte subject key identifier is the ASN1_STRING_set (the report's heap block is 21 bytes,
// allocated and written by it with a write lock held). Every later verification compares its
// leaf's authority key identifier with it (X509_check_akid -> ASN1_OCTET_STRING_cmp) after a
// lock-free "already cached" check, with no lock: libcrypto is not instrumented, so that
// acquire/release hand-over is invisible and the lazy write shows as a race with the reads.
// Reproduced outside the plugin: 8 threads opening fresh connections at once through a freshly
// built Context gave 2 such reports per run; with the cache filled first, none.
// The cure is to make those writes before the Context is shared: fill every anchor's cache here,
// on the thread that builds the Context, before context_for publishes it under its mutex, so
// handshakes only read the store's certificates. (An anchor that OpenSSL's hashed-directory
// lookup adds later, one missing from the system bundle, is still filled on first use.)
void fill_trust_anchor_caches(SSL_CTX* context) {
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    if (store == nullptr) {
        return;
    }
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        if (X509* certificate = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) {
            (void)X509_check_purpose(certificate, -1, 0);  // -1: only fill the cache
        }
    }
}

Poco::Net::Context::Ptr make_client_context(const std::string& ca_file) {
    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_CLIENT_USE, "", "", ca_file,
                                       Context::VERIFY_STRICT, 9, /*loadDefaultCAs=*/true);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    context->enableExtendedCertificateVerification(true);  // the host-name check
    context->enableSessionCache(true);
    use_openssl_verdict_only(context->sslContext());
    fill_trust_anchor_caches(context->sslContext());
    return context;
}

}  // namespace

TlsContextCache& TlsContextCache::shared() {
    static TlsContextCache cache;
    return cache;
}

Poco::Net::Context::Ptr TlsContextCache::context_for(const std::string& ca_file) {
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
