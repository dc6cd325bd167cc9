#include "daemon/daemon_api.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>
#include <unistd.h>

#include <istream>

#include "daemon/api_response.h"
#include "daemon/task_routes.h"
#include "plugins/plugin_catalog_json.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr size_t kMaxIgnoredBodyBytes = 64 * 1024;

// Compares without stopping at the first difference, so timing tells nothing about which
// byte was wrong (the length is no secret).
bool same_token(const std::string& given, const std::string& expected) {
    if (expected.empty() || given.size() != expected.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (size_t i = 0; i < given.size(); ++i) {
        diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    }
    return diff == 0;
}

class ApiRequestHandler : public Poco::Net::HTTPRequestHandler {
  public:
    ApiRequestHandler(DaemonContext& context, const std::optional<std::string>& token)
        : context_(context), token_(token) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        ++context_.active_requests;
        try {
            route(request, response);
        } catch (const std::exception& e) {
            context_.log.line(std::string("internal error answering a request: ") + e.what());
            if (!response.sent()) {
                send_error(response, ApiError{500,
                                              "internal",
                                              "the daemon failed to answer",
                                              "see the daemon's log",
                                              false,
                                              {}});
            }
        }
        --context_.active_requests;
    }

  private:
    void route(HTTPServerRequest& request, HTTPServerResponse& response) {
        Caller caller;
        if (token_) {
            caller.address = request.clientAddress().toString();
            const std::string bearer = "Bearer ";
            const std::string authorization = request.get("Authorization", "");
            if (authorization.compare(0, bearer.size(), bearer) != 0 ||
                !same_token(authorization.substr(bearer.size()), *token_)) {
                send_error(response,
                           ApiError{401,
                                    "auth",
                                    "this listener needs the daemon's bearer token",
                                    "send Authorization: Bearer TOKEN (the daemon.tcp.token_file), "
                                    "or use the unix socket",
                                    false,
                                    {{"WWW-Authenticate", "Bearer"}}});
                return;
            }
        } else {
            auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
            caller.peer = peer_credentials(impl.socket().impl()->sockfd());
        }

        std::string path;
        std::map<std::string, std::string> query;
        try {
            const Poco::URI uri(request.getURI());
            path = uri.getPath();
            for (const auto& parameter : uri.getQueryParameters()) {
                if (query.count(parameter.first) != 0) {
                    send_error(response,
                               ApiError{400,
                                        "invalid_input",
                                        "query parameter " + printable(parameter.first, 64) +
                                            " is given twice",
                                        "give it once",
                                        false,
                                        {}});
                    return;
                }
                query[parameter.first] = parameter.second;
            }
        } catch (const Poco::Exception&) {
            send_error(response, ApiError{400,
                                          "invalid_input",
                                          "the request target is not a URI",
                                          "see the API routes in the README",
                                          false,
                                          {}});
            return;
        }
        const std::string& method = request.getMethod();
        const std::string tasks_prefix = "/v1/tasks/";
        if (path == "/v1/health") {
            if (allowed(method, "GET", response)) {
                health(response);
            }
        } else if (path == "/v1/plugins") {
            if (allowed(method, "GET", response)) {
                plugins(response);
            }
        } else if (path == "/v1/plugins/reload") {
            if (allowed(method, "POST", response)) {
                if (!skip_body(request)) {
                    response.setKeepAlive(false);  // an unread rest would become a "request"
                }
                reload(response);
            }
        } else if (path == "/v1/manifests") {
            if (allowed(method, "GET", response)) {
                manifests(response);
            }
        } else if (path == "/v1/tasks") {
            if (allowed(method, "POST", response)) {
                post_task(context_, request, response, query, caller);
            }
        } else if (path.compare(0, tasks_prefix.size(), tasks_prefix) == 0 &&
                   path.size() > tasks_prefix.size() &&
                   path.find('/', tasks_prefix.size()) == std::string::npos) {
            if (allowed(method, "GET", response)) {
                get_task(context_, path.substr(tasks_prefix.size()), response);
            }
        } else {
            send_error(response,
                       ApiError{404,
                                "not_found",
                                "no route " + printable(path, 128),
                                "use /v1/health, /v1/plugins, /v1/plugins/reload, /v1/manifests, "
                                "/v1/tasks or /v1/tasks/{id}",
                                false,
                                {}});
        }
    }

    bool allowed(const std::string& method, const std::string& allow,
                 HTTPServerResponse& response) {
        if (method == allow) {
            return true;
        }
        send_error(response, ApiError{405,
                                      "method_not_allowed",
                                      "method " + printable(method, 16) + " is not allowed here",
                                      "use " + allow,
                                      false,
                                      {{"Allow", allow}}});
        return false;
    }

    // A body nobody reads would be taken for the next request on a keep-alive connection.
    // false: the body was longer than we read.
    bool skip_body(HTTPServerRequest& request) {
        if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) {
            return true;  // no body (Poco would wait for the caller to close)
        }
        std::istream& in = request.stream();
        char buffer[4096];
        size_t skipped = 0;
        while (skipped <= kMaxIgnoredBodyBytes &&
               (in.read(buffer, sizeof buffer) || in.gcount() > 0)) {
            skipped += static_cast<size_t>(in.gcount());
        }
        return skipped <= kMaxIgnoredBodyBytes;
    }

    void health(HTTPServerResponse& response) {
        const auto catalog = context_.registry.catalog();
        Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        const bool draining = context_.draining.load();
        body->set("status", draining ? "draining" : "ok");
        body->set("pid", static_cast<int64_t>(::getpid()));
        body->set("uptime_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - context_.started)
                                   .count());
        body->set("plugins", catalog->plugins().size());
        body->set("refused", catalog->refusals().size());
        body->set("running", context_.queue.running());
        body->set("queued", context_.queue.queued());
        body->set("max_concurrency", context_.config.daemon.max_concurrency);
        body->set("max_queue", context_.config.daemon.max_queue);
        const auto last = context_.registry.last_reload();
        body->set("reloads", last ? last->serial : 0);
        send_json(response, draining ? 503 : 200, to_json(body));
    }

    void plugins(HTTPServerResponse& response) {
        const auto catalog = context_.registry.catalog();
        Object::Ptr body = catalog_json(context_.config.plugin_dir, *catalog);
        const auto last = context_.registry.last_reload();
        body->set("last_reload", last ? Poco::Dynamic::Var(last->to_json()) : Poco::Dynamic::Var());
        send_json(response, 200, to_json(body));
    }

    void manifests(HTTPServerResponse& response) {
        if (context_.manifests == nullptr) {
            send_error(response, ApiError{404,
                                          "not_found",
                                          "this daemon watches no manifests",
                                          "set \"manifests_dir\" in the config's daemon section",
                                          false,
                                          {}});
            return;
        }
        send_json(response, 200, to_json(context_.manifests->status()));
    }

    void reload(HTTPServerResponse& response) {
        const std::shared_ptr<const ReloadReport> report = context_.reloader.request("api").get();
        if (report == nullptr) {
            send_error(response, ApiError{503,
                                          "shutting_down",
                                          "the daemon is shutting down",
                                          "reload once it is back",
                                          true,
                                          {}});
            return;
        }
        send_json(response, 200, to_json(report->to_json()));
    }

    DaemonContext& context_;
    const std::optional<std::string>& token_;
};

}  // namespace

DaemonApi::DaemonApi(DaemonContext& context, std::optional<std::string> bearer_token)
    : context_(context), bearer_token_(std::move(bearer_token)) {}

Poco::Net::HTTPRequestHandler* DaemonApi::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
    return new ApiRequestHandler(context_, bearer_token_);
}

}  // namespace taskhost
