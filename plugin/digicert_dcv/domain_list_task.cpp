#include "domain_list_task.h"

#include <algorithm>
#include <map>
#include <set>

#include "certcentral_exchange.h"
#include "certcentral_request.h"
#include "printable_text.h"

namespace digicert_dcv {
namespace {

using Clock = std::chrono::steady_clock;

// The window a listed domain's "due" is judged with: due_within, else expiring_within, else
// none (due = pending, expired or missing).
std::chrono::seconds listing_window(const DomainListParams& params) {
    return params.due_within.value_or(params.expiring_within.value_or(std::chrono::seconds(0)));
}

// The state with only `type`'s validations, when the filters name one.
DomainDcvState only_type(DomainDcvState state, const std::optional<std::string>& type) {
    if (!type) {
        return state;
    }
    const auto other = [&](const std::string& name) { return Poco::icompare(name, *type) != 0; };
    state.validations.erase(
        std::remove_if(state.validations.begin(), state.validations.end(),
                       [&](const DomainValidation& v) { return other(v.type); }),
        state.validations.end());
    state.dcv_expiration.erase(
        std::remove_if(state.dcv_expiration.begin(), state.dcv_expiration.end(),
                       [&](const auto& entry) { return other(entry.first); }),
        state.dcv_expiration.end());
    return state;
}

bool any_pending(const DcvVerdict& verdict) {
    return verdict.types.empty() ||
           std::any_of(verdict.types.begin(), verdict.types.end(),
                       [](const ValidationVerdict& type) { return type.pending; });
}

// Judges one listed domain, counts it, and says whether the filters keep it.
bool examine(const ListedDomain& domain, const DomainListParams& params, DomainListing& listing,
             DcvVerdict& kept) {
    const auto now = std::chrono::system_clock::now();
    const DomainDcvState state = only_type(domain.state, params.validation_type);
    const DcvVerdict plain = judge_dcv(state, now);
    const DcvVerdict windowed = judge_dcv(state, now, listing_window(params));
    const bool pending = any_pending(plain);
    const bool active = domain.state.is_active.value_or(true);
    listing.pending += pending ? 1 : 0;
    listing.due += windowed.complete ? 0 : 1;
    listing.inactive += active ? 0 : 1;
    bool keep = (!params.active || *params.active == active) &&
                (!params.pending || *params.pending == pending) &&
                (!params.due_within || !windowed.complete);
    if (keep && params.expiring_within) {
        const DcvVerdict expiring = judge_dcv(state, now, *params.expiring_within);
        const auto soon = now + *params.expiring_within;
        keep = std::any_of(expiring.types.begin(), expiring.types.end(),
                           [&](const ValidationVerdict& type) {
                               return !type.pending && type.until && *type.until <= soon;
                           });
    }
    kept = windowed;
    return keep;
}

// A little more than what the item's JSON takes (outcome_writer.cpp), so the items of an
// outcome stay within kMaxListingBytes whatever the names and dates.
std::size_t item_bytes(const ListedItem& item) {
    std::size_t bytes = 160 + 2 * item.domain.name.size() + item.verdict.reason.size();
    for (const ValidationVerdict& type : item.verdict.types) {
        bytes += 60 + type.type.size() + type.status.size() + type.valid_until.size();
    }
    return bytes;
}

std::string page_path(const DomainListParams& params, std::size_t offset) {
    std::string path = "/domain?include_dcv=true&include_validation=true&limit=" +
                       std::to_string(params.page_size) + "&offset=" + std::to_string(offset);
    // Documented: filters[search] is an exact match; a leading % (%25) makes it a substring one.
    if (params.name) {
        path += "&" + percent_encode("filters[search]") + "=" + percent_encode(*params.name);
    } else if (params.search) {
        path +=
            "&" + percent_encode("filters[search]") + "=" + percent_encode("%" + *params.search);
    }
    return path;
}

// Names the items: the domain's name, or name#id for a name listed twice.
void name_items(std::vector<ListedItem>& items) {
    std::map<std::string, int> seen;
    for (const ListedItem& item : items) {
        ++seen[Poco::toLower(item.domain.name)];
    }
    for (ListedItem& item : items) {
        const std::string name = printable_excerpt(item.domain.name, 180);
        item.key = seen[Poco::toLower(item.domain.name)] > 1
                       ? name + "#" + std::to_string(item.domain.id)
                       : name;
    }
}

}  // namespace

namespace {

// One page, read and parsed; false with `outcome` failed (or cancelled) otherwise.
bool read_page(CertCentralExchange& exchange, const ConnectionSettings& connection,
               const std::string& path, DomainList& page, DcvOutcome& outcome) {
    CertCentralRequest request = build_certcentral_get(connection, path);
    request.max_response_body = kMaxDomainListBody;
    const ExchangeResult answer =
        exchange.run(request, RequestSubject{"the domain list", "read", "domain list"});
    if (answer.end != ExchangeResult::End::kAnswered) {
        outcome.status = answer.end == ExchangeResult::End::kCancelled ? OutcomeStatus::kCancelled
                                                                       : OutcomeStatus::kFailed;
        outcome.error = answer.error;
        outcome.msg = "listing the domains " +
                      std::string(answer.end == ExchangeResult::End::kCancelled ? "was cancelled"
                                                                                : "failed") +
                      " (GET " + request.url + "): " + answer.error.msg;
        return false;
    }
    auto parsed = answer.response.body_truncated
                      ? std::variant<DomainList, std::string>("the body is larger than " +
                                                              std::to_string(kMaxDomainListBody) +
                                                              " bytes; lower params.page_size")
                      : parse_domain_list(answer.response.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
        TaskError error;
        error.kind = ErrorKind::kServer;
        error.msg = "DigiCert's answer to GET " + request.url +
                    " is not what CertCentral sends: " + *problem;
        error.body_excerpt = body_excerpt(answer.response.body);
        outcome.status = OutcomeStatus::kFailed;
        outcome.msg = "listing the domains failed: " + error.msg;
        outcome.error = std::move(error);
        return false;
    }
    page = std::move(std::get<DomainList>(parsed));
    return true;
}

std::string listing_msg(const DomainListing& listing) {
    std::string msg =
        std::to_string(listing.matched) + " of " + std::to_string(listing.domains) + " domains" +
        (listing.filters.empty() ? " listed" : " match " + listing.filters) + " (" +
        std::to_string(listing.pages) + (listing.pages == 1 ? " page" : " pages") + " read)";
    if (listing.truncated) {
        msg += "; " + listing.truncation;
    }
    return msg;
}

}  // namespace

DcvOutcome DomainListTask::run() {
    const Clock::time_point started = Clock::now();
    DcvOutcome outcome;
    outcome.task = std::string(kDomainListTaskName);
    outcome.id = spec_.id;
    DomainListing listing;
    listing.filters = describe_filters(spec_.params);
    const std::chrono::seconds window = listing_window(spec_.params);
    listing.window = window.count() > 0 ? format_duration(window) : "";
    host_.set_secret(spec_.connection.api_key);
    CertCentralExchange exchange(spec_.connection, host_, pool_, pacer_, started);
    std::set<int64_t> seen;
    std::size_t item_budget = kMaxListingBytes;
    std::size_t offset = 0;
    bool ok = true;
    while (ok) {
        DomainList page;
        ok = read_page(exchange, spec_.connection, page_path(spec_.params, offset), page, outcome);
        if (!ok) {
            break;
        }
        ++listing.pages;
        for (const ListedDomain& domain : page.domains) {
            DcvVerdict verdict;
            if (!seen.insert(domain.id).second) {
                continue;  // listed on an earlier page too (the list changed while read)
            }
            ++listing.domains;
            if (!examine(domain, spec_.params, listing, verdict)) {
                continue;
            }
            ListedItem item{domain, std::move(verdict), ""};
            const std::size_t bytes = item_bytes(item);
            if (++listing.matched <= spec_.params.max_items && item_budget >= bytes) {
                item_budget -= bytes;
                listing.items.push_back(std::move(item));
            }
        }
        offset += page.domains.size();
        const bool more = !page.domains.empty() && page.total && offset < std::size_t(*page.total);
        if (!more) {
            break;
        }
        if (listing.pages == kMaxListPages) {
            listing.truncated = true;
            listing.truncation = "stopped after " + std::to_string(kMaxListPages) +
                                 " pages of the " + std::to_string(*page.total) +
                                 " domains; narrow params.search";
            break;
        }
    }
    if (listing.matched > listing.items.size()) {
        listing.truncated = true;
        listing.truncation = "only the first " + std::to_string(listing.items.size()) +
                             " are listed" +
                             (listing.items.size() < spec_.params.max_items
                                  ? " (what fits in one outcome); narrow the filters"
                                  : "; narrow the filters or raise params.max_items");
    }
    name_items(listing.items);
    outcome.attempts = exchange.total_attempts();
    if (ok) {
        outcome.status = OutcomeStatus::kSucceeded;
        outcome.msg = listing_msg(listing);
    }
    outcome.listing = std::move(listing);
    outcome.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    return outcome;
}

}  // namespace digicert_dcv
