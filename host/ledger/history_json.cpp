#include "ledger/history_json.h"

#include "util/bounded_json.h"
#include "util/resend_interval.h"

namespace taskhost {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr history_json(const HistoryRecord& r) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("at", format_utc(r.at));
    json->set("status", r.status);
    json->set("reason", r.reason);
    json->set("in_doubt", r.in_doubt);
    json->set("source", r.source);
    json->set("account", r.account);
    json->set("task", r.task);
    json->set("task_id", r.task_id);
    Object::Ptr subject = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    subject->set("id", r.subject_id);
    subject->set("name", r.subject_name);
    json->set("subject", subject);
    json->set("params_digest", r.params_digest);
    json->set("host", r.host);
    json->set("uid", r.uid);
    json->set("pid", r.pid);
    json->set("msg", r.msg);
    return json;
}

Array::Ptr history_json(const std::vector<HistoryRecord>& records) {
    Array::Ptr list = new Array;
    for (const HistoryRecord& record : records) {
        list->add(history_json(record));
    }
    return list;
}

void print_history_table(const std::vector<HistoryRecord>& records, std::ostream& out) {
    if (records.empty()) {
        out << "no sends or refusals recorded that match\n";
        return;
    }
    for (const HistoryRecord& r : records) {
        std::string subject = r.subject_name;
        if (!r.subject_id.empty()) {
            subject += (subject.empty() ? "" : " ") + std::string("(") + r.subject_id + ")";
        }
        out << format_utc(r.at) << "  " << r.status << (r.in_doubt ? " (in doubt)" : "") << "  "
            << r.source << "  " << r.account << "  " << (subject.empty() ? "-" : subject) << "  "
            << r.task << "  " << r.host << " uid " << r.uid << " pid " << r.pid << "  " << r.reason
            << "\n    " << printable(r.msg, 200) << "\n";
    }
}

Result<WallClock::time_point> parse_since(const std::string& text, const std::string& where,
                                          WallClock::time_point now) {
    if (const auto at = parse_utc(text)) {
        return *at;
    }
    if (const auto back = parse_resend_interval(text)) {
        return now - *back;
    }
    return HostError{where, "\"" + printable(text, 64) + "\" is neither a duration nor a time",
                     "write a duration back from now (\"7d\", \"12h\", \"1h30m\") or a UTC time "
                     "(\"2026-11-01T00:00:00.000Z\")"};
}

}  // namespace taskhost
