#include "manifest/manifest_run_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>

#include "ledger/utc_time.h"
#include "util/bounded_json.h"
#include "util/json_spans.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

HostError bad_field(const std::string& where) {
    return HostError{"the daemon's report field " + where, "is missing or of the wrong type",
                     "use a taskhost client of the daemon's version"};
}

// A count, or an index: an integer from 0 up (Poco throws converting -1 to size_t).
bool read_count(const Object::Ptr& json, const char* name, size_t& into) {
    if (!json->has(name) || !json->get(name).isInteger()) {
        return false;
    }
    try {
        into = json->getValue<size_t>(name);
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

std::optional<WallClock::time_point> time_field(const Object::Ptr& json, const char* name) {
    return json->has(name) ? parse_utc(json->optValue<std::string>(name, "")) : std::nullopt;
}

}  // namespace

Result<ManifestTaskResult> result_from_json(const Object::Ptr& json) {
    if (json.isNull() || !json->has("status") || !json->has("manifest")) {
        return bad_field("results[]");
    }
    ManifestTaskResult r;
    r.manifest = json->optValue<std::string>("manifest", "");
    size_t index = 0;
    if (json->has("index") && !read_count(json, "index", index)) {
        return bad_field("results[].index");
    }
    r.index = json->has("index") ? std::optional<size_t>(index) : std::nullopt;
    r.name = json->optValue<std::string>("name", "");
    r.task = json->optValue<std::string>("task", "");
    r.account = json->optValue<std::string>("account", "");
    r.subject = json->optValue<std::string>("subject", "");
    r.status = json->optValue<std::string>("status", "");
    r.changed = json->optValue<bool>("changed", false);
    r.failed = json->optValue<bool>("failed", false);
    r.msg = json->optValue<std::string>("msg", "");
    r.reason = json->optValue<std::string>("reason", "");
    r.in_doubt = json->optValue<bool>("in_doubt", false);
    r.invalid = json->optValue<bool>("invalid", false);
    r.verdict.reason = r.reason;
    r.verdict.in_doubt = r.in_doubt;
    r.verdict.last_sent_at = time_field(json, "last_sent_at");
    r.verdict.next_due_at = time_field(json, "next_due_at");
    r.outcome = json->getObject("outcome");
    r.error = json->getObject("error");
    return r;
}

Result<ManifestRunSummary> summary_from_json(const Object::Ptr& json) {
    ManifestRunSummary s;
    if (json.isNull()) {
        return bad_field("summary");
    }
    for (const auto& [name, field] : {std::pair{"manifests", &s.manifests},
                                      {"tasks", &s.tasks},
                                      {"sent", &s.sent},
                                      {"would_send", &s.would_send},
                                      {"unchanged", &s.unchanged},
                                      {"failed", &s.failed},
                                      {"invalid", &s.invalid},
                                      {"in_doubt", &s.in_doubt}}) {
        if (!read_count(json, name, *field)) {
            return bad_field(std::string("summary.") + name);
        }
    }
    s.strict_refused = json->optValue<bool>("strict_refused", false);
    s.elapsed_ms = json->optValue<int64_t>("elapsed_ms", 0);
    return s;
}

Object::Ptr summary_json(const ManifestRunSummary& s) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("manifests", static_cast<uint64_t>(s.manifests));
    json->set("tasks", static_cast<uint64_t>(s.tasks));
    json->set("sent", static_cast<uint64_t>(s.sent));
    json->set("would_send", static_cast<uint64_t>(s.would_send));
    json->set("unchanged", static_cast<uint64_t>(s.unchanged));
    json->set("failed", static_cast<uint64_t>(s.failed));
    json->set("invalid", static_cast<uint64_t>(s.invalid));
    json->set("in_doubt", static_cast<uint64_t>(s.in_doubt));
    json->set("strict_refused", s.strict_refused);
    json->set("elapsed_ms", s.elapsed_ms);
    return json;
}

Object::Ptr report_json(const ManifestRunReport& report) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("summary", summary_json(report.summary));
    Array::Ptr results = new Array;
    for (const ManifestTaskResult& result : report.results) {
        results->add(result.to_json());
    }
    json->set("results", results);
    return json;
}

Result<ReportText> split_report_text(std::string_view body, const std::string& what) {
    Result<std::string_view> whole = json_value_span(body, 64, what);
    if (!whole.ok()) {
        return whole.error();
    }
    if (whole.value().front() != '{') {
        return bad_field("(the whole answer)");
    }
    std::optional<std::string_view> summary;
    std::optional<std::string_view> results;
    for (const JsonMember& member : json_object_members(whole.value())) {
        std::optional<std::string_view>* slot = member.key == "summary"   ? &summary
                                                : member.key == "results" ? &results
                                                                          : nullptr;
        if (slot == nullptr) {
            continue;  // a newer daemon's field: not this client's to print
        }
        if (*slot) {
            return HostError{what, "gives " + std::string(member.key) + " twice",
                             "use a taskhost client of the daemon's version"};
        }
        *slot = member.value;
    }
    if (!summary || summary->front() != '{') {
        return bad_field("summary");
    }
    Result<Object::Ptr> summary_object =
        parse_json_object(std::string(*summary), JsonLimits{}, what + ", its summary");
    if (!summary_object.ok()) {
        return summary_object.error();
    }
    Result<ManifestRunSummary> read = summary_from_json(summary_object.value());
    if (!read.ok()) {
        return read.error();
    }
    if (!results || results->front() != '[') {
        return bad_field("results");
    }
    ReportText report{read.value(), json_array_elements(*results)};
    for (const std::string_view result : report.results) {
        if (result.front() != '{') {
            return bad_field("results[]");
        }
    }
    return report;
}

}  // namespace taskhost
