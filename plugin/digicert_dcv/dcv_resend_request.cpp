#include "dcv_resend_request.h"

#include "json_writer.h"

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
    JsonWriter body;
    body.begin_object();
    if (params.name_scope) {
        body.key("name_scope").string(*params.name_scope);
    }
    if (params.locale) {
        body.key("locale").string(*params.locale);
    }
    if (params.email_array) {
        body.key("email_array").begin_array();
        for (const std::string& address : *params.email_array) {
            body.string(address);
        }
        body.end_array();
    }
    body.end_object();
    request.body = body.take();
    return request;
}

}  // namespace digicert_dcv
