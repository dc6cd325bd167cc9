#include "tls_context_cache.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <mutex>
#include <vector>

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
// (a Context is complete before it is cached, nothing sets a host or other verify parameter on
// the shared SSL_CTX: Poco checks the host name on each connection's own peer certificate, and
// SSLManager's default context is never used by a session): it is a trust anchor inside the
// X509_STORE of the one Context every thread's sessions share. OpenSSL 3 fills a certificate's
// extension cache (ossl_x509v3_cache_extensions: SHA-1 hash, key usage, subject/authority key
// identifiers) lazily, on the certificate's first verification, on whichever thread verifies
// first, under the certificate's write lock: decoding the 20-byte subject key identifier is the
// ASN1_STRING_set (the report's heap block is 21 bytes, allocated and written by it with a write
// lock held). Every later verification compares its leaf's authority key identifier with it
// (X509_check_akid -> ASN1_STRING_cmp) after the lock-free "already cached" check
// (tsan_ld_acq(&x->ex_cached) in 3.0's crypto/x509/v3_purp.c, an acquire load paired with the
// filler's release store). That hand-over is correct, but it happens inside libcrypto, which is
// not instrumented, so ThreadSanitizer cannot see it and reports the lazy write against the reads.
// Measured under TSan (Concurrency.FirstHandshakesThroughANewTrustConfigurationAtOnce and
// EightThreadsTimesFiftyExecutionsAllSucceed): 4 of 5 runs reported it without this; 0 of 8 with.
// The cure is to make those writes before the Context is shared: fill every anchor's cache here,
// on the thread that builds the Context, before context_for publishes it under its mutex, so
// handshakes only read the store's certificates. A system anchor from the bundle is filled when
// a lookup first finds it (SystemBundle::with_subject, under its mutex), before it goes into a
// store. (One that only the hashed directory holds, which Debian's bundle never lacks, is loaded
// and filled by OpenSSL itself: correct, but TSan would report it as above.)
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

// The system's trust anchors, as OpenSSL's default verify paths name them (SSL_CERT_FILE or
// /usr/lib/ssl/cert.pem, SSL_CERT_DIR or /usr/lib/ssl/certs), read only when a chain needs one.
// Poco's loadDefaultCAs (SSL_CTX_set_default_verify_paths) parses every certificate of the
// bundle (Debian: 140-odd) into each new context: about 40 ms, a third of a cold `taskhost run`
// (issue 12), spent even when ca_file alone verifies the server. The hashed directory is lazy in
// OpenSSL itself; the bundle is read here on the first lookup OpenSSL makes in it, once per
// process, and only the certificates with the subject asked for go into the context's store.
// What is trusted is unchanged: the system's anchors plus ca_file.
class SystemBundle {
  public:
    static SystemBundle& shared() {
        static SystemBundle bundle;
        return bundle;
    }

    // Our references go; the stores that took some keep theirs.
    ~SystemBundle() {
        for (X509* certificate : certificates_) {
            X509_free(certificate);
        }
    }

    // The certificates of the bundle whose subject is `name` (each up-referenced), their
    // extension caches filled. Lookups run unlocked on any handshake's thread, and these
    // certificates are shared by every context's store: filled under fill_mutex_, the first
    // thread's writes happen before any other thread gets the certificate (see
    // fill_trust_anchor_caches for why that matters).
    std::vector<X509*> with_subject(const X509_NAME* name) {
        std::call_once(loaded_, [this] { load(); });
        std::vector<X509*> found;
        for (X509* certificate : certificates_) {
            if (X509_NAME_cmp(X509_get_subject_name(certificate), name) == 0 &&
                X509_up_ref(certificate) == 1) {
                found.push_back(certificate);
            }
        }
        std::lock_guard<std::mutex> lock(fill_mutex_);
        for (X509* certificate : found) {
            (void)X509_check_purpose(certificate, -1, 0);  // -1: only fill the cache
        }
        return found;
    }

  private:
    void load() {
        const char* file = std::getenv(X509_get_default_cert_file_env());
        if (file == nullptr || *file == '\0') {
            file = X509_get_default_cert_file();
        }
        BIO* in = BIO_new_file(file, "r");
        if (in == nullptr) {
            ERR_clear_error();  // no bundle: the directory (and ca_file) are all there is
            return;
        }
        while (X509* certificate = PEM_read_bio_X509_AUX(in, nullptr, nullptr, nullptr)) {
            certificates_.push_back(certificate);
        }
        ERR_clear_error();  // the end of the file reads as an error
        BIO_free(in);
    }

    std::once_flag loaded_;
    std::vector<X509*> certificates_;  // for the life of the process (the plugin's copy)
    std::mutex fill_mutex_;
};

int bundle_get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name,
                          X509_OBJECT* ret) {
    if (type != X509_LU_X509 || name == nullptr) {
        return 0;
    }
    const std::vector<X509*> found = SystemBundle::shared().with_subject(name);
    if (found.empty()) {
        return 0;
    }
    X509_STORE* store = X509_LOOKUP_get_store(lookup);
    for (X509* certificate : found) {
        X509_STORE_add_cert(store, certificate);  // a duplicate is ignored
    }
    const int set = X509_OBJECT_set1_X509(ret, found.front());
    for (X509* certificate : found) {
        X509_free(certificate);
    }
    return set;
}

// The lookup method, freed when this copy of the plugin is unloaded: after every store that
// uses it, because TlsContextCache's constructor makes it first (statics end in reverse order,
// and the session pool, whose sessions hold contexts, makes the cache before itself).
class BundleLookupMethod {
  public:
    static X509_LOOKUP_METHOD* get() {
        static BundleLookupMethod holder;
        return holder.method_;
    }
    ~BundleLookupMethod() { X509_LOOKUP_meth_free(method_); }

  private:
    BundleLookupMethod()
        : method_(X509_LOOKUP_meth_new("taskhost system bundle, read on first need")) {
        if (method_ != nullptr) {
            X509_LOOKUP_meth_set_get_by_subject(method_, bundle_get_by_subject);
        }
    }
    X509_LOOKUP_METHOD* method_;
};

X509_LOOKUP_METHOD* bundle_lookup_method() {
    return BundleLookupMethod::get();
}

void add_system_trust_anchors(SSL_CTX* context) {
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    if (X509_LOOKUP_METHOD* method = bundle_lookup_method()) {
        X509_STORE_add_lookup(store, method);
    }
    const char* dir = std::getenv(X509_get_default_cert_dir_env());
    if (dir == nullptr || *dir == '\0') {
        dir = X509_get_default_cert_dir();
    }
    if (X509_LOOKUP* by_dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir())) {
        X509_LOOKUP_add_dir(by_dir, dir, X509_FILETYPE_PEM);
    }
    ERR_clear_error();
}

Poco::Net::Context::Ptr make_client_context(const std::string& ca_file) {
    using Poco::Net::Context;
    Context::Ptr context = new Context(Context::TLS_CLIENT_USE, "", "", ca_file,
                                       Context::VERIFY_STRICT, 9, /*loadDefaultCAs=*/false);
    add_system_trust_anchors(context->sslContext());
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

TlsContextCache::TlsContextCache() {
    (void)bundle_lookup_method();  // made before the cache, so it is freed after (see above)
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
