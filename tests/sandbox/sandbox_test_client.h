// What the sandbox tests talk with: a real Poco HTTPS client with strict verification against
// the sandbox CA (the same settings the plugin uses), plus the suite's shared fixtures.
#pragma once

#include <Poco/Net/HTTPSClientSession.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sandbox_server.h"

namespace sandbox_test {

inline const char kCanaryKey[] = "CANARY-KEY-7f3a9c";
inline const char kViewOnlyKey[] = "VIEW-ONLY-KEY-1b2c3d";

struct Reply {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool has_header(const std::string& name) const;
    std::string header(const std::string& name) const;
};

struct Call {
    Call(std::string method_, std::string target_, std::string body_ = "",
         std::string key_ = kCanaryKey)
        : method(std::move(method_)),
          target(std::move(target_)),
          body(std::move(body_)),
          key(std::move(key_)) {}

    std::string method;
    std::string target;  // path + query, e.g. "/services/v2/domain/1234567"
    std::string body;
    std::string key;  // "" sends no X-DC-DEVKEY
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
};

// Poco's SSL layer set up once per process, with RejectCertificateHandler so that no
// certificate problem ever turns into a prompt.
void init_client_tls();

class StrictClient {
  public:
    // host "localhost": the name the sandbox certificate is issued for.
    StrictClient(const std::string& ca_file, uint16_t port, int timeout_ms = 10000);
    Reply send(const Call& call);  // throws Poco::Exception on TLS or network failure
    Poco::Net::HTTPSClientSession& session() { return *session_; }

  private:
    std::unique_ptr<Poco::Net::HTTPSClientSession> session_;
};

// The domains and keys every suite uses: the default fixture, the canary key as "manager",
// and a view-only key.
sandbox::SandboxOptions base_options();

std::string resend_target(long long domain_id);
std::string json_of(const std::vector<std::string>& strings);  // ["a","b"]

// The single {"errors":[{code,message}]} entry of a CertCentral error body; fails the test
// when the body does not have that shape.
std::pair<std::string, std::string> single_error(const std::string& body);

}  // namespace sandbox_test
