#include "dcv_resend_request.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace digicert_dcv {

CertCentralRequest build_dcv_resend_request(const DcvResendSpec& spec, int64_t domain_id) {
    const DcvResendParams& params = spec.params;
    CertCentralRequest request;
    request.method = "PUT";
    request.host = spec.connection.base_url.host;
    request.port = spec.connection.base_url.port;
    const std::string path = "/domain/" + std::to_string(domain_id) + "/dcv/emails";
    request.target = spec.connection.base_url.path + path;
    request.url = spec.connection.base_url.normalised() + path;
    request.api_key = spec.connection.api_key;
    request.route = route_template(request.method, path);

    // Every field is optional for DigiCert; absent ones mean "all eligible addresses, default
    // language, the domain's own name", so only what the user gave is sent.
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    if (params.name_scope) {
        body.set("name_scope", *params.name_scope);
    }
    if (params.locale) {
        body.set("locale", *params.locale);
    }
    if (params.email_array) {
        Poco::JSON::Array::Ptr emails = new Poco::JSON::Array;
        for (const std::string& address : *params.email_array) {
            emails->add(address);
        }
        body.set("email_array", emails);
    }
    std::ostringstream text;
    body.stringify(text);
    request.body = text.str();
    return request;
}

}  // namespace digicert_dcv
