#include "daemon/daemon_api.h"

#include "ledger/history_json.h"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <algorithm>
#include <vector>

#include "daemon/api_response.h"
#include "daemon/health_route.h"
#include "daemon/manifest_routes.h"
#include "daemon/metrics_route.h"
#include "daemon/task_routes.h"
#include "plugins/plugin_catalog_json.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

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

// GET /v1/history's query parameters, checked like flags.
Result<HistoryQuery> history_query(const std::map<std::string, std::string>& parameters) {
    HistoryQuery query;
    for (const auto& [name, value] : parameters) {
        const std::string where = "query parameter " + printable(name, 64);
        if (name == "domain") {
            query.subject = value;
        } else if (name == "account") {
            query.account = value;
        } else if (name == "since") {
            Result<WallClock::time_point> since = parse_since(value, where, WallClock::now());
            if (!since.ok()) {
                return since.error();
            }
            query.since = since.value();
        } else if (name == "limit") {
            char* end = nullptr;
            const unsigned long limit = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || limit < 1 || limit > kMaxHistoryLimit) {
                return HostError{where,
                                 "is not a number from 1 to " + std::to_string(kMaxHistoryLimit),
                                 "write limit=100"};
            }
            query.limit = limit;
        } else {
            return HostError{where, "is not known here", "use domain, account, since or limit"};
        }
    }
    return query;
}

// The path's segments between '/', empty ones included ("/v1/tasks/" has an empty last one).
std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> parts;
    size_t from = 0;
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', from)) {
        parts.push_back(path.substr(from, slash - from));
        from = slash + 1;
    }
    parts.push_back(path.substr(from));
    return parts;
}

// A pattern's "{name}" segment matches one non-empty segment, which goes to `id`.
bool path_matches(const std::string& pattern, const std::string& path, std::string& id) {
    const std::vector<std::string> want = segments(pattern);
    const std::vector<std::string> got = segments(path);
    if (want.size() != got.size()) {
        return false;
    }
    for (size_t i = 0; i < want.size(); ++i) {
        if (!want[i].empty() && want[i].front() == '{' && want[i].back() == '}') {
            if (got[i].empty()) {
                return false;
            }
            id = got[i];
        } else if (want[i] != got[i]) {
            return false;
        }
    }
    return true;
}

// "a, b or c"
std::string one_of(const std::vector<std::string>& items) {
    std::string text;
    for (size_t i = 0; i < items.size(); ++i) {
        text += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
    }
    return text;
}

bool is_task_post(const HttpRequest& request) {
    return request.method == "POST" && request.path() == "/v1/tasks";
}

bool is_manifest_post(const HttpRequest& request) {
    return request.method == "POST" &&
           (request.path() == "/v1/manifests/plan" || request.path() == "/v1/manifests/apply");
}

// The routes that read their body whole and may take long: a worker of the waiting lane, and
// the connection kept for the next request.
bool is_work_post(const HttpRequest& request) {
    return is_task_post(request) || is_manifest_post(request);
}

// Who may use the TCP listener: checked on the loop as soon as the head is read.
std::optional<HttpAnswer> refuse_without_token(const HttpRequest& head, const std::string& token) {
    const std::string bearer = "Bearer ";
    const std::string* authorization = head.header("Authorization");
    if (authorization != nullptr && authorization->compare(0, bearer.size(), bearer) == 0 &&
        same_token(authorization->substr(bearer.size()), token)) {
        return std::nullopt;
    }
    HttpAnswer answer;
    send_error(answer, ApiError{401,
                                "auth",
                                "this listener needs the daemon's bearer token",
                                "send Authorization: Bearer TOKEN (the daemon.tcp.token_file), "
                                "or use the unix socket",
                                false,
                                {{"WWW-Authenticate", "Bearer"}}});
    return answer;
}

class ApiRequestHandler {
  public:
    explicit ApiRequestHandler(DaemonContext& context) : context_(context) {}

    void handleRequest(const HttpRequest& request, HttpAnswer& response) {
        ++context_.active_requests;
        // A body that no route reads would be read as the next request on this connection
        // (POST /v1/health carrying "POST /v1/plugins/reload ..." ran a reload, issue 9): a
        // request with a body keeps its connection only on POST /v1/tasks, which reads its
        // body whole (and POST /v1/manifests/*); an error answer to it closes it too.
        if (request.carries_body && !is_work_post(request)) {
            response.close = true;
        }
        try {
            route(request, response);
        } catch (const std::exception& e) {
            context_.log.line(std::string("internal error answering a request: ") + e.what());
            send_error(response, ApiError{500,
                                          "internal",
                                          "the daemon failed to answer",
                                          "see the daemon's log",
                                          false,
                                          {}});
        }
        --context_.active_requests;
    }

  private:
    // One request as the route handlers see it.
    struct Call {
        const HttpRequest& request;
        HttpAnswer& response;
        const std::map<std::string, std::string>& query;
        const ApiCaller& caller;
        std::string id;  // the {id} of the route's pattern, when it has one
    };
    using Handler = void (ApiRequestHandler::*)(Call&);
    struct Route {
        const char* method;
        const char* pattern;  // a "{id}" segment matches any one non-empty segment
        Handler handle;
    };
    // Every route of the API, in the order a 404 lists them. 405 and Allow come from it too.
    static const std::vector<Route>& routes();

    void route(const HttpRequest& request, HttpAnswer& response) {
        // The peer's credentials on the unix socket (read by the loop from the descriptor it
        // owns); the address on TCP, whose token the loop has checked already.
        ApiCaller caller;
        caller.peer = request.peer;
        caller.address = request.peer_address;
        std::string path;
        std::map<std::string, std::string> query;
        if (!parse_target(request, response, path, query)) {
            return;
        }
        Call call{request, response, query, caller, ""};
        dispatch(path, call);
    }

    // The request target's path and query parameters. false: malformed, and answered.
    bool parse_target(const HttpRequest& request, HttpAnswer& response, std::string& path,
                      std::map<std::string, std::string>& query) {
        try {
            const Poco::URI uri(request.target);
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
                    return false;
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
            return false;
        }
        return true;
    }

    // The route for this path and method; else 405 with the methods the path has, or 404.
    void dispatch(const std::string& path, Call& call) {
        const std::string& method = call.request.method;
        std::vector<std::string> allowed;
        for (const Route& route : routes()) {
            std::string id;
            if (!path_matches(route.pattern, path, id)) {
                continue;
            }
            if (method == route.method) {
                call.id = std::move(id);
                (this->*route.handle)(call);
                return;
            }
            allowed.push_back(route.method);
        }
        if (!allowed.empty()) {
            std::string allow;
            for (const std::string& one : allowed) {
                allow += (allow.empty() ? "" : ", ") + one;
            }
            send_error(call.response,
                       ApiError{405,
                                "method_not_allowed",
                                "method " + printable(method, 16) + " is not allowed here",
                                "use " + allow,
                                false,
                                {{"Allow", allow}}});
            return;
        }
        std::vector<std::string> patterns;
        for (const Route& route : routes()) {
            if (std::find(patterns.begin(), patterns.end(), route.pattern) == patterns.end()) {
                patterns.push_back(route.pattern);
            }
        }
        send_error(call.response, ApiError{404,
                                           "not_found",
                                           "no route " + printable(path, 128),
                                           "use " + one_of(patterns),
                                           false,
                                           {}});
    }

    void post_task_route(Call& call) {
        post_task(context_, call.request, call.response, call.query, call.caller);
    }

    void get_task_route(Call& call) { get_task(context_, call.id, call.response); }

    void plan_manifest_route(Call& call) {
        post_manifest(context_, ManifestMode::kPlan, call.request, call.response, call.query,
                      call.caller);
    }

    void apply_manifest_route(Call& call) {
        post_manifest(context_, ManifestMode::kApply, call.request, call.response, call.query,
                      call.caller);
    }

    void cancel_task_route(Call& call) {
        cancel_task(context_, call.id, call.caller, call.response);
    }

    void health(Call& call) { answer_health(context_, call.response); }

    void metrics(Call& call) { answer_metrics(context_, call.response); }

    void plugins(Call& call) {
        HttpAnswer& response = call.response;
        const auto catalog = context_.registry.catalog();
        Object::Ptr body = catalog_json(context_.config.plugin_dir, *catalog);
        const auto last = context_.registry.last_reload();
        body->set("last_reload", last ? Poco::Dynamic::Var(last->to_json()) : Poco::Dynamic::Var());
        send_json(response, 200, to_json(body));
    }

    void manifests(Call& call) {
        HttpAnswer& response = call.response;
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

    // GET /v1/history?domain=D&account=A&since=7d&limit=N: the ledger's record, newest first.
    void history(Call& call) {
        Result<HistoryQuery> query = history_query(call.query);
        if (!query.ok()) {
            send_error(
                call.response,
                ApiError{400, "invalid_input", query.error().text(), query.error().fix, false, {}});
            return;
        }
        Result<std::vector<HistoryRecord>> records = context_.ledger.history(query.value());
        if (!records.ok()) {
            send_error(call.response, ApiError{503,
                                               "ledger_unavailable",
                                               records.error().text(),
                                               records.error().fix,
                                               true,
                                               {}});
            return;
        }
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("history", history_json(records.value()));
        send_json(call.response, 200, to_json(body));
    }

    void reload(Call& call) {
        HttpAnswer& response = call.response;
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
};

const std::vector<ApiRequestHandler::Route>& ApiRequestHandler::routes() {
    static const std::vector<Route> table = {
        {"GET", "/v1/health", &ApiRequestHandler::health},
        {"GET", "/v1/plugins", &ApiRequestHandler::plugins},
        {"POST", "/v1/plugins/reload", &ApiRequestHandler::reload},
        {"GET", "/v1/manifests", &ApiRequestHandler::manifests},
        {"POST", "/v1/manifests/plan", &ApiRequestHandler::plan_manifest_route},
        {"POST", "/v1/manifests/apply", &ApiRequestHandler::apply_manifest_route},
        {"GET", "/v1/history", &ApiRequestHandler::history},
        {"POST", "/v1/tasks", &ApiRequestHandler::post_task_route},
        {"GET", "/v1/tasks/{id}", &ApiRequestHandler::get_task_route},
        {"DELETE", "/v1/tasks/{id}", &ApiRequestHandler::cancel_task_route},
        {"GET", "/metrics", &ApiRequestHandler::metrics},
    };
    return table;
}

}  // namespace

DaemonApi::DaemonApi(DaemonContext& context, std::optional<std::string> bearer_token)
    : context_(context), bearer_token_(std::move(bearer_token)) {}

std::optional<HttpAnswer> DaemonApi::admit(const HttpRequest& head) {
    if (!bearer_token_) {
        return std::nullopt;  // the unix socket: its file's permissions decided already
    }
    return refuse_without_token(head, *bearer_token_);
}

HttpLane DaemonApi::lane(const HttpRequest& head) const {
    if (head.method == "GET" && head.path() == "/v1/health") {
        return HttpLane::kHealth;
    }
    return is_work_post(head) ? HttpLane::kWaiting : HttpLane::kQuick;
}

HttpAnswer DaemonApi::answer(HttpRequest& request) {
    HttpAnswer answer;
    ApiRequestHandler(context_).handleRequest(request, answer);
    return answer;
}

HttpAnswer DaemonApi::refusal(int status, const std::string& kind, const std::string& msg,
                              const std::string& fix) const {
    HttpAnswer answer;
    send_error(answer, ApiError{status, kind, msg, fix, false, {}});
    return answer;
}

}  // namespace taskhost
