// The bytes of one request as they go on the wire, kept out of Poco's buffers. Poco's
// sendRequest writes a request head through a pooled 4 KiB buffer shared by the whole process
// (HTTPBufferAllocator) that is never wiped, so the head with X-DC-DEVKEY would stay in memory
// after the task. Instead Poco gets a HeadWrittenByCaller: sendRequest still connects (through
// the proxy's CONNECT tunnel when there is one), adds Host (and Proxy-Connection through a
// proxy) and readies the session for receiveResponse, but writes none of its bytes. The caller
// renders the head, exactly as Poco's HTTPRequest::write would, and the body into a
// SecretString, and writes that to the session's socket; it is wiped when the send is over.
#pragma once

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/StreamSocket.h>

#include <ostream>

#include "certcentral_request.h"
#include "secret_string.h"

namespace digicert_dcv {

class HeadWrittenByCaller : public Poco::Net::HTTPRequest {
  public:
    using HTTPRequest::HTTPRequest;
    // Poco calls this from sendRequest, to count the head and to buffer it: it writes nothing.
    void write(std::ostream& /*unused*/) const override {}
};

// The request's method, target and headers (Content-Length set, keep-alive on), with the key
// header present but empty: its value is only ever written by render_wire_request.
void prepare_head(const CertCentralRequest& request, HeadWrittenByCaller& head);

// The request line, every header of `head` in its order (the key header carrying
// request.api_key), the blank line and the body: what HTTPRequest::write and the body stream
// would have sent.
SecretString render_wire_request(const Poco::Net::HTTPRequest& head,
                                 const CertCentralRequest& request);

// Writes all of `bytes` to `socket`; throws Poco's exception when the socket fails.
void send_all(Poco::Net::StreamSocket& socket, std::string_view bytes);

}  // namespace digicert_dcv
