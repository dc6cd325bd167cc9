// The DCV resend PUT as the seed sends it (name_scope, locale "en", one admin@ address), on a
// Poco HTTPSClientSession the caller keeps alive or not: the request of the benchmarks' floors
// (poco_put_floor, ledger_cost_bench --put). Answers the HTTP status.
#pragma once

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <string>

namespace bench {

inline int put_resend(Poco::Net::HTTPSClientSession& session, const std::string& base_path,
                      const std::string& key, const std::string& domain_id,
                      const std::string& name) {
    const std::string body = "{\"name_scope\":\"" + name +
                             "\",\"locale\":\"en\",\"email_array\":[\"admin@" + name + "\"]}";
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_PUT,
                                   base_path + "/domain/" + domain_id + "/dcv/emails",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("X-DC-DEVKEY", key);
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    session.receiveResponse(response).ignore(1 << 20);
    return response.getStatus();
}

}  // namespace bench
