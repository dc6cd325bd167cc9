// One HTTP request through the sandbox, in the order CertCentral's edge would see it:
// read (bounded) -> record -> injected fault -> size limit -> rate limit -> auth and routes.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "certcentral_response.h"
#include "sandbox_core.h"

namespace sandbox {

class SandboxRequestHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit SandboxRequestHandler(SandboxCore& core) : core_(core) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

  private:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    // true: the fault answered (or dropped) the request; false: serve it normally.
    bool apply_fault(const FaultRule& fault, Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response);
    // kResetAfterHeaders and kTruncatedBody: an answer that stops part way.
    void send_drip(const FaultRule& fault, Poco::Net::HTTPServerRequest& request,
                   Poco::Net::HTTPServerResponse& response);
    void send_cut_answer(const FaultRule& fault, Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response);

    SandboxCore& core_;
};

class SandboxRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit SandboxRequestHandlerFactory(SandboxCore& core) : core_(core) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new SandboxRequestHandler(core_);
    }

  private:
    SandboxCore& core_;
};

void send_response(const SandboxResponse& answer, Poco::Net::HTTPServerResponse& response);

}  // namespace sandbox
