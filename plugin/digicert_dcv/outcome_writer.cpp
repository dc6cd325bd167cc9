#include "outcome_writer.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "printable_text.h"

namespace digicert_dcv {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr ordered_object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

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

Object::Ptr request_json(const CertCentralRequest& request, const SafeText& text) {
    Object::Ptr out = ordered_object();
    out->set("method", request.method);
    out->set("url", text(request.url));
    Object::Ptr headers = ordered_object();
    for (const auto& [name, value] : request.headers(/*redact_key=*/true)) {
        headers->set(name, text(value));
    }
    out->set("headers", headers);
    // The body is shown as sent: re-read, in its order, from the very bytes that go on the wire.
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(/*preserveObjectOrder=*/true));
    out->set("body", parser.parse(request.body));
    return out;
}

Poco::Dynamic::Var text_or_null(const std::string& value, const SafeText& text,
                                std::size_t max_chars = 128) {
    return value.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(text(value, max_chars));
}

template <class T>
Poco::Dynamic::Var value_or_null(const std::optional<T>& value) {
    return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Array::Ptr address_array(const std::vector<std::string>& addresses, const SafeText& text) {
    Array::Ptr out = new Array;
    for (const std::string& address : addresses) {
        out->add(text(address, 254));
    }
    return out;
}

Object::Ptr domain_json(const DomainIdentity& domain, const SafeText& text) {
    Object::Ptr out = ordered_object();
    out->set("id", value_or_null(domain.id));
    out->set("name", text_or_null(domain.name, text, 253));
    out->set("source", domain.source);
    return out;
}

Array::Ptr preflight_json(const std::vector<PreflightRead>& reads, const SafeText& text) {
    Array::Ptr out = new Array;
    for (const PreflightRead& read : reads) {
        Object::Ptr entry = ordered_object();
        entry->set("method", read.method);
        entry->set("url", text(read.url));
        entry->set("http_status", value_or_null(read.http_status));
        out->add(entry);
    }
    return out;
}

// The DCV state as read, plus the verdict that decided the skip.
Object::Ptr dcv_json(const DcvStateReport& report, const SafeText& text) {
    const DomainDcvState& state = report.state;
    Object::Ptr out = ordered_object();
    out->set("validated", report.verdict.complete);
    out->set("validated_until", text_or_null(report.verdict.valid_until, text));
    if (!report.verdict.complete) {
        out->set("reason", text(report.verdict.reason, 300));
    }
    out->set("is_active", value_or_null(state.is_active));
    out->set("is_pending_validation", value_or_null(state.is_pending_validation));
    out->set("dcv_method", text_or_null(state.dcv_method, text));
    out->set("dcv_approval_datetime", text_or_null(state.dcv_approval_datetime, text));
    out->set("dcv_expiration_datetime", text_or_null(state.dcv_expiration_datetime, text));
    if (report.verdict.window.count() > 0) {
        out->set("revalidate_within", format_duration(report.verdict.window));
    }
    if (report.verdict.pending_flag_disagrees) {
        out->set("note",
                 "is_pending_validation is true although no validation is pending: DigiCert's "
                 "documented quirk; judged per validation type");
    }
    Array::Ptr validations = new Array;
    for (const ValidationVerdict& type : report.verdict.types) {
        Object::Ptr entry = ordered_object();
        entry->set("type", text_or_null(type.type, text));
        entry->set("status", text_or_null(type.status, text));
        entry->set("valid_until", text_or_null(type.valid_until, text));
        entry->set("due", type.due);
        if (type.due) {
            entry->set("reason", text(type.reason, 300));
        }
        validations->add(entry);
    }
    out->set("validations", validations);
    return out;
}

Object::Ptr recipients_json(const DcvOutcome& outcome, const SafeText& text) {
    Object::Ptr out = ordered_object();
    const RecipientReport* report = outcome.preflight && outcome.preflight->recipients
                                        ? &*outcome.preflight->recipients
                                        : nullptr;
    if (report == nullptr) {
        out->set("requested", address_array(*outcome.requested, text));
        return out;
    }
    out->set("requested", address_array(report->requested, text));
    out->set("split", report->split_known ? "known" : "unknown");
    out->set("listed_scope", text_or_null(report->listed_scope, text));
    out->set("resend_scope", text_or_null(report->resend_scope, text));
    out->set("eligible", address_array(report->eligible, text));
    // Unknown split: whom DigiCert mails cannot be told, and the outcome does not pretend.
    if (report->split_known) {
        out->set("will_mail", address_array(report->will_mail, text));
        out->set("all_eligible_mailed", report->all_eligible_mailed);
    } else {
        out->set("will_mail", Poco::Dynamic::Var());
        out->set("unknown", address_array(report->unknown, text));
    }
    out->set("ignored", address_array(report->ignored, text));
    out->set("whois", address_array(report->whois, text));
    return out;
}

// One listed domain: `key` and `params` name it for a follow-up task (a manifest's for_each
// merges params into that task's); the rest is for people.
Object::Ptr listed_item_json(const ListedItem& item, const SafeText& text) {
    Object::Ptr out = ordered_object();
    out->set("key", text(item.key, 200));
    Object::Ptr params = ordered_object();
    params->set("domain_id", item.domain.id);
    out->set("params", params);
    out->set("id", item.domain.id);
    out->set("name", text(item.domain.name, 253));
    out->set("active", value_or_null(item.domain.state.is_active));
    out->set("due", !item.verdict.complete);
    out->set("reason", text_or_null(item.verdict.reason, text, 300));
    Object::Ptr validations = ordered_object();
    for (const ValidationVerdict& type : item.verdict.types) {
        Object::Ptr entry = ordered_object();
        entry->set("status", text_or_null(type.status, text, 32));
        entry->set("valid_until", text_or_null(type.valid_until, text, 64));
        entry->set("due", type.due);
        validations->set(text(type.type.empty() ? "?" : type.type, 16), entry);
    }
    out->set("validations", validations);
    return out;
}

void write_listing(Object& out, const DomainListing& listing, bool succeeded,
                   const SafeText& text) {
    out.set("filters", text(listing.filters, 500));
    Object::Ptr summary = ordered_object();
    summary->set("domains", listing.domains);
    summary->set("matched", listing.matched);
    summary->set("listed", listing.items.size());
    summary->set("pending", listing.pending);
    summary->set("due", listing.due);
    summary->set("due_window", text_or_null(listing.window, text, 16));
    summary->set("inactive", listing.inactive);
    summary->set("pages", listing.pages);
    summary->set("truncated", listing.truncated);
    out.set("summary", summary);
    if (!succeeded) {
        return;  // a part of the list is not the list
    }
    // The host's generic word for "these are not all the targets" (a for_each refuses them).
    out.set("items_incomplete", listing.truncated);
    Array::Ptr items = new Array;
    for (const ListedItem& item : listing.items) {
        items->add(listed_item_json(item, text));
    }
    out.set("items", items);
}

Object::Ptr error_json(const TaskError& error, const SafeText& text) {
    Object::Ptr out = ordered_object();
    out->set("kind", error_kind_name(error.kind));
    out->set("msg", text(error.msg));
    out->set("retryable", error.retryable);
    Object::Ptr details = ordered_object();
    if (error.http_status) {
        details->set("http_status", *error.http_status);
    }
    if (!error.api_errors.empty()) {
        Array::Ptr api_errors = new Array;
        for (const ApiError& api_error : error.api_errors) {
            Object::Ptr entry = ordered_object();
            entry->set("code", text(api_error.code));
            entry->set("message", text(api_error.message));
            api_errors->add(entry);
        }
        details->set("api_errors", api_errors);
    }
    if (!error.field.empty()) {
        details->set("field", text(error.field));
    }
    if (!error.body_excerpt.empty()) {
        details->set("body_excerpt", text(error.body_excerpt));
    }
    out->set("details", details);
    return out;
}

std::string stringify(const Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
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
    const SafeText text(secret);
    Object::Ptr out = ordered_object();
    out->set("task", text(outcome.task, 64));
    if (outcome.id) {
        out->set("id", text(*outcome.id, 128));
    }
    out->set("status", outcome_status_name(outcome.status));
    out->set("changed", outcome.changed && !outcome_failed(outcome));
    out->set("failed", outcome_failed(outcome));
    if (outcome.in_doubt && outcome_failed(outcome)) {
        out->set("in_doubt", true);
    }
    out->set("msg", text(outcome.msg));
    out->set("attempts", outcome.attempts);
    out->set("duration_ms", outcome.duration_ms);
    if (outcome.preflight) {
        out->set("domain", domain_json(outcome.preflight->domain, text));
        // The host's history files the send under this (its convention: {"id", "name"}).
        Object::Ptr subject = ordered_object();
        subject->set("id", value_or_null(outcome.preflight->domain.id));
        subject->set("name", text_or_null(outcome.preflight->domain.name, text, 253));
        out->set("subject", subject);
    }
    if (outcome.request) {
        out->set("request", request_json(*outcome.request, text));
    }
    if (outcome.http_status) {
        Object::Ptr response = ordered_object();
        response->set("http_status", *outcome.http_status);
        out->set("response", response);
    }
    if (outcome.preflight) {
        out->set("preflight", preflight_json(outcome.preflight->reads, text));
        if (outcome.preflight->dcv) {
            out->set("dcv", dcv_json(*outcome.preflight->dcv, text));
        }
    }
    if (outcome.requested || (outcome.preflight && outcome.preflight->recipients)) {
        out->set("recipients", recipients_json(outcome, text));
    }
    if (outcome.listing) {
        write_listing(*out, *outcome.listing, outcome.status == OutcomeStatus::kSucceeded, text);
    }
    if (outcome.error && outcome_failed(outcome)) {
        out->set("error", error_json(*outcome.error, text));
    }
    return stringify(out);
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
