#include "test_pki.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace sandbox {
namespace {

struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
    void operator()(X509* c) const { X509_free(c); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

void check(bool ok, const char* step) {
    if (!ok) {
        throw std::runtime_error(std::string("test PKI: OpenSSL failed at ") + step);
    }
}

KeyPtr make_key() {
    KeyPtr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EVP_EC_gen(P-256)");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, value);
    const int added = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(added == 1, "X509_add_ext");
}

// Fields shared by every certificate: v3, random serial, valid from an hour ago (clock skew
// between the sandbox and nothing else, but harmless) for 30 days.
CertPtr new_cert(EVP_PKEY* subject_key, const std::string& common_name) {
    CertPtr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");

    unsigned char serial_bytes[16];
    check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "RAND_bytes");
    serial_bytes[0] &= 0x7f;  // a positive serial, as RFC 5280 requires
    BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
    check(serial != nullptr, "BN_bin2bn");
    const bool serial_set = BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
    BN_free(serial);
    check(serial_set, "BN_to_ASN1_INTEGER");

    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600) != nullptr, "notAfter");
    check(X509_set_pubkey(cert.get(), subject_key) == 1, "X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("taskhost sandbox"), -1,
                                     -1, 0) == 1,
          "subject O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                     -1, -1, 0) == 1,
          "subject CN");
    return cert;
}

PemIdentity to_pem(X509* cert, EVP_PKEY* key) {
    BioPtr cert_bio(BIO_new(BIO_s_mem()));
    BioPtr key_bio(BIO_new(BIO_s_mem()));
    check(cert_bio && key_bio, "BIO_new");
    check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, "PEM_write_bio_X509");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    PemIdentity pem;
    long len = BIO_get_mem_data(cert_bio.get(), &data);
    pem.cert_pem.assign(data, static_cast<size_t>(len));
    len = BIO_get_mem_data(key_bio.get(), &data);
    pem.key_pem.assign(data, static_cast<size_t>(len));
    return pem;
}

struct Issued {
    CertPtr cert;
    KeyPtr key;
};

Issued make_ca() {
    Issued ca{nullptr, make_key()};
    ca.cert = new_cert(ca.key.get(), "taskhost sandbox test CA");
    check(X509_set_issuer_name(ca.cert.get(), X509_get_subject_name(ca.cert.get())) == 1,
          "CA issuer");
    add_extension(ca.cert.get(), ca.cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.cert.get(), ca.cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.cert.get(), ca.cert.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(ca.cert.get(), ca.key.get(), EVP_sha256()) > 0, "X509_sign(CA)");
    return ca;
}

// A TLS server certificate. `issuer` null: self-signed (the rogue identity).
Issued make_server_cert(const Issued* issuer, const std::string& common_name,
                        const std::string& subject_alt_names) {
    Issued leaf{nullptr, make_key()};
    leaf.cert = new_cert(leaf.key.get(), common_name);
    X509* issuer_cert = issuer ? issuer->cert.get() : leaf.cert.get();
    EVP_PKEY* signing_key = issuer ? issuer->key.get() : leaf.key.get();
    check(X509_set_issuer_name(leaf.cert.get(), X509_get_subject_name(issuer_cert)) == 1,
          "leaf issuer");
    add_extension(leaf.cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(leaf.cert.get(), issuer_cert, NID_key_usage, "critical,digitalSignature");
    add_extension(leaf.cert.get(), issuer_cert, NID_ext_key_usage, "serverAuth");
    add_extension(leaf.cert.get(), issuer_cert, NID_subject_alt_name, subject_alt_names.c_str());
    add_extension(leaf.cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
    if (issuer) {
        add_extension(leaf.cert.get(), issuer_cert, NID_authority_key_identifier, "keyid:always");
    }
    check(X509_sign(leaf.cert.get(), signing_key, EVP_sha256()) > 0, "X509_sign(leaf)");
    return leaf;
}

void write_file(const std::string& path, const std::string& content, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        throw std::runtime_error("test PKI: cannot create " + path + ": " + std::strerror(errno));
    }
    // The file may have existed with looser bits; a key must end up 0600 whatever was there.
    bool ok = ::fchmod(fd, mode) == 0;
    size_t written = 0;
    while (ok && written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        ok = n > 0;
        if (ok) {
            written += static_cast<size_t>(n);
        }
    }
    const int saved_errno = errno;
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
        throw std::runtime_error("test PKI: cannot write " + path + ": " +
                                 std::strerror(saved_errno));
    }
}

}  // namespace

TestPki make_test_pki() {
    const Issued ca = make_ca();
    const Issued server = make_server_cert(&ca, "localhost", "DNS:localhost,IP:127.0.0.1");
    const Issued wrong_host = make_server_cert(&ca, "wrong-host.invalid", "DNS:wrong-host.invalid");
    const Issued rogue = make_server_cert(nullptr, "localhost", "DNS:localhost,IP:127.0.0.1");

    TestPki pki;
    pki.ca = to_pem(ca.cert.get(), ca.key.get());
    pki.ca.key_pem.clear();  // nobody needs the CA key once the leaves are signed
    pki.server = to_pem(server.cert.get(), server.key.get());
    pki.wrong_host = to_pem(wrong_host.cert.get(), wrong_host.key.get());
    pki.rogue = to_pem(rogue.cert.get(), rogue.key.get());
    return pki;
}

TestPkiFiles write_test_pki(const TestPki& pki, const std::string& dir) {
    TestPkiFiles files;
    files.ca_cert = dir + "/ca.pem";
    files.server_cert = dir + "/server.pem";
    files.server_key = dir + "/server-key.pem";
    files.wrong_host_cert = dir + "/wrong-host.pem";
    files.wrong_host_key = dir + "/wrong-host-key.pem";
    files.rogue_cert = dir + "/rogue.pem";
    files.rogue_key = dir + "/rogue-key.pem";

    write_file(files.ca_cert, pki.ca.cert_pem, 0644);
    write_file(files.server_cert, pki.server.cert_pem, 0644);
    write_file(files.server_key, pki.server.key_pem, 0600);
    write_file(files.wrong_host_cert, pki.wrong_host.cert_pem, 0644);
    write_file(files.wrong_host_key, pki.wrong_host.key_pem, 0600);
    write_file(files.rogue_cert, pki.rogue.cert_pem, 0644);
    write_file(files.rogue_key, pki.rogue.key_pem, 0600);
    return files;
}

}  // namespace sandbox
