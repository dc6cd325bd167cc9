#include "daemon/health_route.h"

#include <Poco/JSON/Array.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "daemon/api_response.h"
#include "daemon/health_verdict.h"
#include "util/bounded_json.h"

namespace taskhost {

void answer_health(DaemonContext& context, HttpAnswer& response) {
    const auto catalog = context.registry.catalog();
    const Poco::JSON::Object::Ptr manifests =
        context.manifests != nullptr ? context.manifests->status() : nullptr;
    const std::vector<std::string> reasons =
        health_reasons(*catalog, context.start_report.get(), manifests);
    const bool draining = context.draining.load();
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("status", draining ? "draining" : reasons.empty() ? "ok" : "unavailable");
    if (!reasons.empty()) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const std::string& reason : reasons) {
            list->add(reason);
        }
        body->set("reasons", list);
    }
    body->set("version", taskhost_version());
    body->set("pid", static_cast<int64_t>(::getpid()));
    body->set("uptime_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - context.started)
                               .count());
    body->set("plugins", catalog->plugins().size());
    body->set("refused", catalog->refusals().size());
    body->set("running", context.queue.running());
    body->set("queued", context.queue.queued());
    body->set("max_concurrency", context.config.daemon.max_concurrency);
    body->set("max_queue", context.config.daemon.max_queue);
    const auto last = context.registry.last_reload();
    body->set("reloads", last ? last->serial : 0);
    body->set("core_dumps", ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
    send_json(response, draining || !reasons.empty() ? 503 : 200, to_json(body));
}

}  // namespace taskhost
