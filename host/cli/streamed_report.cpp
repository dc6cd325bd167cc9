#include "cli/streamed_report.h"

#include <Poco/JSON/Object.h>

#include "manifest/manifest_run_json.h"
#include "util/bounded_json.h"
#include "util/json_spans.h"

namespace taskhost {
namespace {

HostError wrong_line(const std::string& where, const std::string& problem) {
    return HostError{where, problem, "use a taskhost client of the daemon's version"};
}

}  // namespace

Check StreamedReport::line(const std::string& text) {
    if (summary_) {
        return wrong_line(what_, "went on after its summary line");
    }
    if (text.rfind("{\"summary\":", 0) != 0) {
        return result_line(text);
    }
    const std::string where = what_ + ", its summary line";
    Result<Poco::JSON::Object::Ptr> object = parse_json_object(text, JsonLimits{}, where);
    if (!object.ok()) {
        return object.error();
    }
    Result<ManifestRunSummary> read = summary_from_json(object.value()->getObject("summary"));
    if (!read.ok()) {
        return read.error();
    }
    summary_ = read.value();
    return std::nullopt;
}

Check StreamedReport::result_line(const std::string& text) {
    const std::string where = what_ + ", result line " + std::to_string(++results_);
    if (json_) {
        Result<std::string_view> checked = json_value_span(text, 64, where);
        if (!checked.ok()) {
            return checked.error();
        }
        if (checked.value().front() != '{') {
            return wrong_line(where, "is not a JSON object");
        }
        reporter_.json_results({checked.value()});
        return std::nullopt;
    }
    Result<Poco::JSON::Object::Ptr> object =
        parse_json_object(text, JsonLimits{text.size() + 1, 64}, where);
    if (!object.ok()) {
        return object.error();
    }
    Result<ManifestTaskResult> result = result_from_json(object.value());
    if (!result.ok()) {
        return result.error();
    }
    observer_.finished(result.value(), "");
    return std::nullopt;
}

}  // namespace taskhost
