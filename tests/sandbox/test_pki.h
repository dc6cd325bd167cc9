// The sandbox's throw-away PKI: a CA and the three server identities the tests need, made fresh
// with the OpenSSL 3 C API each time a sandbox starts (P-256 keys, a few milliseconds).
#pragma once

#include <string>

namespace sandbox {

struct PemIdentity {
    std::string cert_pem;
    std::string key_pem;  // PKCS#8, unencrypted: it only ever protects a loopback test server
};

struct TestPki {
    PemIdentity ca;          // self-signed CA; what a client trusts
    PemIdentity server;      // CA-signed, SAN DNS:localhost + IP:127.0.0.1
    PemIdentity wrong_host;  // CA-signed, SAN DNS:wrong-host.invalid only
    PemIdentity rogue;       // self-signed "localhost" certificate no CA vouches for
};

// Paths of the PEM files write_test_pki produced.
struct TestPkiFiles {
    std::string ca_cert;  // mode 0644: clients read it
    std::string server_cert, server_key;
    std::string wrong_host_cert, wrong_host_key;
    std::string rogue_cert, rogue_key;  // keys are mode 0600
};

// Throws std::runtime_error naming the OpenSSL step that failed.
TestPki make_test_pki();

// Writes every certificate and key into `dir` (which must exist). The CA's private key is not
// written: nothing after start-up needs to sign. Throws std::runtime_error naming the file.
TestPkiFiles write_test_pki(const TestPki& pki, const std::string& dir);

}  // namespace sandbox
