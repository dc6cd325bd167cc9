#include "outcome_writer.h"

#include "json_writer.h"
#include "printable_text.h"

namespace digicert_dcv {
namespace {

// Every string leaves through here: printable, bounded, secret redacted.
class SafeText {
  public:
    explicit SafeText(std::string_view secret) : secret_(secret) {}
    std::string operator()(std::string_view text, std::size_t max_chars = 2000) const {
        return redact(printable_excerpt(text, max_chars), secret_);
    }

  private:
    std::string_view secret_;
};

// The outcome being written, with the secret every string is cleaned of.
class OutcomeJson {
  public:
    explicit OutcomeJson(std::string_view secret) : text_(secret) {}

    JsonWriter& out() { return out_; }
    // A member whose value is outside text, made safe.
    void text(std::string_view name, std::string_view value, std::size_t max_chars = 2000) {
        out_.key(name).string(text_(value, max_chars));
    }
    void text_or_null(std::string_view name, const std::string& value,
                      std::size_t max_chars = 128) {
        out_.key(name);
        if (value.empty()) {
            out_.null();
        } else {
            out_.string(text_(value, max_chars));
        }
    }
    void addresses(std::string_view name, const std::vector<std::string>& addresses) {
        out_.key(name).begin_array();
        for (const std::string& address : addresses) {
            out_.string(text_(address, 254));
        }
        out_.end_array();
    }
    std::string clean(std::string_view value, std::size_t max_chars) const {
        return text_(value, max_chars);
    }
    std::string take() { return out_.take(); }

  private:
    SafeText text_;
    JsonWriter out_;
};

void write_request(OutcomeJson& json, const CertCentralRequest& request) {
    JsonWriter& out = json.out();
    out.key("request").begin_object();
    out.key("method").string(request.method);
    json.text("url", request.url);
    out.key("headers").begin_object();
    for (const auto& [name, value] : request.headers(/*redact_key=*/true)) {
        json.text(name, value);
    }
    out.end_object();
    // The body as sent: the very bytes that go on the wire, which build_dcv_resend_request
    // wrote as one JSON object (with the JSON writer: never the key).
    out.key("body").raw(request.body.empty() ? std::string_view("null") : request.body);
    out.end_object();
}

void write_domain(OutcomeJson& json, const DomainIdentity& domain) {
    JsonWriter& out = json.out();
    out.key("domain").begin_object();
    out.key("id").number_or_null(domain.id);
    json.text_or_null("name", domain.name, 253);
    out.key("source").string(domain.source);
    out.end_object();
    // The host's history files the send under this (its convention: {"id", "name"}).
    out.key("subject").begin_object();
    out.key("id").number_or_null(domain.id);
    json.text_or_null("name", domain.name, 253);
    out.end_object();
}

void write_preflight(OutcomeJson& json, const std::vector<PreflightRead>& reads) {
    JsonWriter& out = json.out();
    out.key("preflight").begin_array();
    for (const PreflightRead& read : reads) {
        out.begin_object();
        out.key("method").string(read.method);
        json.text("url", read.url);
        out.key("http_status").number_or_null(read.http_status);
        out.end_object();
    }
    out.end_array();
}

// The DCV state as read, plus the verdict that decided the skip.
void write_dcv(OutcomeJson& json, const DcvStateReport& report) {
    const DomainDcvState& state = report.state;
    JsonWriter& out = json.out();
    out.key("dcv").begin_object();
    out.key("validated").boolean(report.verdict.complete);
    json.text_or_null("validated_until", report.verdict.valid_until);
    if (!report.verdict.complete) {
        json.text("reason", report.verdict.reason, 300);
    }
    out.key("is_active").boolean_or_null(state.is_active);
    out.key("is_pending_validation").boolean_or_null(state.is_pending_validation);
    json.text_or_null("dcv_method", state.dcv_method);
    json.text_or_null("dcv_approval_datetime", state.dcv_approval_datetime);
    json.text_or_null("dcv_expiration_datetime", state.dcv_expiration_datetime);
    if (report.verdict.window.count() > 0) {
        out.key("revalidate_within").string(format_duration(report.verdict.window));
    }
    if (report.verdict.pending_flag_disagrees) {
        out.key("note").string(
            "is_pending_validation is true although no validation is pending: DigiCert's "
            "documented quirk; judged per validation type");
    }
    out.key("validations").begin_array();
    for (const ValidationVerdict& type : report.verdict.types) {
        out.begin_object();
        json.text_or_null("type", type.type);
        json.text_or_null("status", type.status);
        json.text_or_null("valid_until", type.valid_until);
        out.key("due").boolean(type.due);
        if (type.due) {
            json.text("reason", type.reason, 300);
        }
        out.end_object();
    }
    out.end_array();
    out.end_object();
}

void write_recipients(OutcomeJson& json, const DcvOutcome& outcome) {
    JsonWriter& out = json.out();
    out.key("recipients").begin_object();
    const RecipientReport* report = outcome.preflight && outcome.preflight->recipients
                                        ? &*outcome.preflight->recipients
                                        : nullptr;
    if (report == nullptr) {
        json.addresses("requested", *outcome.requested);
        out.end_object();
        return;
    }
    json.addresses("requested", report->requested);
    out.key("split").string(report->split_known ? "known" : "unknown");
    json.text_or_null("listed_scope", report->listed_scope);
    json.text_or_null("resend_scope", report->resend_scope);
    json.addresses("eligible", report->eligible);
    // Unknown split: whom DigiCert mails cannot be told, and the outcome does not pretend.
    if (report->split_known) {
        json.addresses("will_mail", report->will_mail);
        out.key("all_eligible_mailed").boolean(report->all_eligible_mailed);
    } else {
        out.key("will_mail").null();
        json.addresses("unknown", report->unknown);
    }
    json.addresses("ignored", report->ignored);
    json.addresses("whois", report->whois);
    out.end_object();
}

// One listed domain: `key` and `params` name it for a follow-up task (a manifest's for_each
// merges params into that task's); the rest is for people.
void write_listed_item(OutcomeJson& json, const ListedItem& item) {
    JsonWriter& out = json.out();
    out.begin_object();
    json.text("key", item.key, 200);
    out.key("params").begin_object().key("domain_id").number(item.domain.id).end_object();
    out.key("id").number(item.domain.id);
    json.text("name", item.domain.name, 253);
    out.key("active").boolean_or_null(item.domain.state.is_active);
    out.key("due").boolean(!item.verdict.complete);
    json.text_or_null("reason", item.verdict.reason, 300);
    out.key("validations").begin_object();
    // One member per validation type, where its name first came, with the last verdict of that
    // name (as a JSON object keeps one value per name).
    std::vector<std::string> names;
    std::vector<const ValidationVerdict*> verdicts;
    for (const ValidationVerdict& type : item.verdict.types) {
        std::string name = json.clean(type.type.empty() ? "?" : type.type, 16);
        size_t at = 0;
        while (at < names.size() && names[at] != name) {
            ++at;
        }
        if (at == names.size()) {
            names.push_back(std::move(name));
            verdicts.push_back(&type);
        } else {
            verdicts[at] = &type;
        }
    }
    for (size_t i = 0; i < names.size(); ++i) {
        const ValidationVerdict& type = *verdicts[i];
        out.key(names[i]).begin_object();
        json.text_or_null("status", type.status, 32);
        json.text_or_null("valid_until", type.valid_until, 64);
        out.key("due").boolean(type.due);
        out.end_object();
    }
    out.end_object();
    out.end_object();
}

void write_listing(OutcomeJson& json, const DomainListing& listing, bool succeeded) {
    JsonWriter& out = json.out();
    json.text("filters", listing.filters, 500);
    out.key("summary").begin_object();
    out.key("domains").number(listing.domains);
    out.key("matched").number(listing.matched);
    out.key("listed").number(listing.items.size());
    out.key("pending").number(listing.pending);
    out.key("due").number(listing.due);
    json.text_or_null("due_window", listing.window, 16);
    out.key("inactive").number(listing.inactive);
    out.key("pages").number(listing.pages);
    out.key("truncated").boolean(listing.truncated);
    out.end_object();
    if (!succeeded) {
        return;  // a part of the list is not the list
    }
    // The host's generic word for "these are not all the targets" (a for_each refuses them).
    out.key("items_incomplete").boolean(listing.truncated);
    out.key("items").begin_array();
    for (const ListedItem& item : listing.items) {
        write_listed_item(json, item);
    }
    out.end_array();
}

void write_error(OutcomeJson& json, const TaskError& error) {
    JsonWriter& out = json.out();
    out.key("error").begin_object();
    out.key("kind").string(error_kind_name(error.kind));
    json.text("msg", error.msg);
    out.key("retryable").boolean(error.retryable);
    out.key("details").begin_object();
    if (error.http_status) {
        out.key("http_status").number(*error.http_status);
    }
    if (!error.api_errors.empty()) {
        out.key("api_errors").begin_array();
        for (const ApiError& api_error : error.api_errors) {
            out.begin_object();
            json.text("code", api_error.code);
            json.text("message", api_error.message);
            out.end_object();
        }
        out.end_array();
    }
    if (!error.field.empty()) {
        json.text("field", error.field);
    }
    if (!error.body_excerpt.empty()) {
        json.text("body_excerpt", error.body_excerpt);
    }
    out.end_object();
    out.end_object();
}

}  // namespace

const char* outcome_status_name(OutcomeStatus status) {
    switch (status) {
        case OutcomeStatus::kSucceeded:
            return "succeeded";
        case OutcomeStatus::kFailed:
            return "failed";
        case OutcomeStatus::kSkipped:
            return "skipped";
        case OutcomeStatus::kPlanned:
            return "planned";
        case OutcomeStatus::kCancelled:
            return "cancelled";
    }
    return "failed";
}

std::string write_outcome(const DcvOutcome& outcome, std::string_view secret) {
    OutcomeJson json(secret);
    JsonWriter& out = json.out();
    out.begin_object();
    json.text("task", outcome.task, 64);
    if (outcome.id) {
        json.text("id", *outcome.id, 128);
    }
    out.key("status").string(outcome_status_name(outcome.status));
    out.key("changed").boolean(outcome.changed && !outcome_failed(outcome));
    out.key("failed").boolean(outcome_failed(outcome));
    if (outcome.in_doubt && outcome_failed(outcome)) {
        out.key("in_doubt").boolean(true);
    }
    json.text("msg", outcome.msg);
    out.key("attempts").number(outcome.attempts);
    out.key("duration_ms").number(outcome.duration_ms);
    if (outcome.preflight) {
        write_domain(json, outcome.preflight->domain);
    }
    if (outcome.request) {
        write_request(json, *outcome.request);
    }
    if (outcome.http_status) {
        out.key("response").begin_object().key("http_status").number(*outcome.http_status);
        out.end_object();
    }
    if (outcome.preflight) {
        write_preflight(json, outcome.preflight->reads);
        if (outcome.preflight->dcv) {
            write_dcv(json, *outcome.preflight->dcv);
        }
    }
    if (outcome.requested || (outcome.preflight && outcome.preflight->recipients)) {
        write_recipients(json, outcome);
    }
    if (outcome.listing) {
        write_listing(json, *outcome.listing, outcome.status == OutcomeStatus::kSucceeded);
    }
    if (outcome.error && outcome_failed(outcome)) {
        write_error(json, *outcome.error);
    }
    out.end_object();
    return json.take();
}

std::string write_internal_outcome(std::string_view what) {
    DcvOutcome outcome;
    outcome.status = OutcomeStatus::kFailed;
    outcome.msg = "internal error in the digicert_dcv plugin: " + printable_excerpt(what, 200);
    TaskError error;
    error.kind = ErrorKind::kInternal;
    error.msg = outcome.msg;
    outcome.error = error;
    return write_outcome(outcome, {});
}

}  // namespace digicert_dcv
