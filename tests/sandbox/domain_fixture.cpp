// load_sandbox_fixture: the account a sandbox serves, from a JSON file a person wrote. Every
// mistake is reported with the file, the field and what it should be; nothing half-loads.
#include "domain_fixture.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <limits>
#include <set>
#include <stdexcept>

#include "fixture_reader.h"
#include "sandbox_server.h"

namespace sandbox {
namespace {

constexpr size_t kMaxDomains = 10000;
constexpr int64_t kMaxDays = 36500;

using Clock = std::chrono::system_clock;
using Poco::JSON::Array;
using Poco::JSON::Object;

class FixtureLoader {
  public:
    FixtureLoader(const std::string& path, Clock::time_point start)
        : reader_(path), start_(start) {}

    SandboxFixture load() const {
        const Object::Ptr top = reader_.parse_top_level();
        reader_.require_known(*top, "(top level)", {"account", "domains", "generate"});
        SandboxFixture fixture;
        fixture.dcv_email_preferences = read_account(*top);
        fixture.generate = read_generate(*top);
        if (top->has("domains") || !fixture.generate) {
            fixture.domains = read_domains(*top);
        }
        if (fixture.generate) {
            try {
                add_generated_domains(fixture.domains, *fixture.generate, start_);
            } catch (const std::invalid_argument& error) {
                reader_.fail("generate", error.what());
            }
        }
        return fixture;
    }

  private:
    std::optional<DcvEmailPreferences> read_account(const Object& top) const {
        const Object::Ptr account = reader_.optional_object(top, "account", "account");
        if (!account) {
            return std::nullopt;
        }
        reader_.require_known(*account, "account", {"dcv_email_preferences"});
        const std::string field = "account.dcv_email_preferences";
        const Object::Ptr prefs = reader_.optional_object(*account, "dcv_email_preferences", field);
        if (!prefs) {
            return std::nullopt;
        }
        reader_.require_known(*prefs, field, {"constructed", "dns_txt"});
        DcvEmailPreferences preferences;
        preferences.constructed =
            reader_.optional_bool(*prefs, "constructed", field + ".constructed").value_or(true);
        preferences.dns_txt =
            reader_.optional_bool(*prefs, "dns_txt", field + ".dns_txt").value_or(true);
        return preferences;
    }

    std::optional<DomainGenerator> read_generate(const Object& top) const {
        const Object::Ptr generate = reader_.optional_object(top, "generate", "generate");
        if (!generate) {
            return std::nullopt;
        }
        reader_.require_known(*generate, "generate", {"count", "first_id", "suffix"});
        DomainGenerator generator;
        const auto count = reader_.optional_integer(*generate, "count", "generate.count", 0,
                                                    static_cast<int64_t>(kMaxGeneratedDomains));
        if (!count) {
            reader_.fail("generate.count", "is missing; give how many domains to generate");
        }
        generator.count = static_cast<size_t>(*count);
        generator.first_id = reader_
                                 .optional_integer(*generate, "first_id", "generate.first_id", 1,
                                                   std::numeric_limits<int64_t>::max())
                                 .value_or(generator.first_id);
        if (generate->has("suffix")) {
            generator.suffix = reader_.required_name(*generate, "suffix", "generate.suffix");
        }
        return generator;
    }

    std::vector<SandboxDomain> read_domains(const Object& top) const {
        if (!top.isArray("domains")) {
            reader_.fail("domains", "must be an array of domain objects");
        }
        const Array& list = *top.getArray("domains");
        if (list.size() > kMaxDomains) {
            reader_.fail("domains", "has " + std::to_string(list.size()) +
                                        " entries; the limit is " + std::to_string(kMaxDomains));
        }
        std::vector<SandboxDomain> domains;
        std::set<int64_t> ids;
        for (unsigned i = 0; i < list.size(); ++i) {
            const std::string field = "domains[" + std::to_string(i) + "]";
            if (!list.isObject(i)) {
                reader_.fail(field, "must be an object with id and name");
            }
            SandboxDomain domain = read_domain(*list.getObject(i), field);
            if (!ids.insert(domain.id).second) {
                reader_.fail(field + ".id", "repeats id " + std::to_string(domain.id) +
                                                "; every domain needs its own id");
            }
            domains.push_back(std::move(domain));
        }
        return domains;
    }

    SandboxDomain read_domain(const Object& entry, const std::string& field) const {
        reader_.require_known(entry, field,
                              {"id", "name", "validated", "validations", "is_active",
                               "is_pending_validation", "whois_emails", "dns_txt_emails"});
        SandboxDomain domain;
        if (!entry.has("id")) {
            reader_.fail(field + ".id", "is missing; give a positive integer such as 1234567");
        }
        domain.id = *reader_.optional_integer(entry, "id", field + ".id", 1,
                                              std::numeric_limits<int64_t>::max());
        domain.name = reader_.required_name(entry, "name", field + ".name");
        domain.validated =
            reader_.optional_bool(entry, "validated", field + ".validated").value_or(false);
        if (entry.has("validations")) {
            if (entry.has("validated")) {
                reader_.fail(field + ".validations",
                             "cannot be given with \"validated\"; keep one of them");
            }
            domain.validations = read_validations(entry, field + ".validations");
        }
        domain.is_active =
            reader_.optional_bool(entry, "is_active", field + ".is_active").value_or(true);
        domain.is_pending_validation =
            reader_.optional_bool(entry, "is_pending_validation", field + ".is_pending_validation");
        domain.whois_emails = reader_.email_list(entry, "whois_emails", field + ".whois_emails");
        domain.dns_txt_emails =
            reader_.email_list(entry, "dns_txt_emails", field + ".dns_txt_emails");
        return domain;
    }

    // {"ov": {"status": "active", "expires_in_days": 120}, "ev": {"status": "pending"}}
    std::vector<DomainValidation> read_validations(const Object& entry,
                                                   const std::string& field) const {
        const Object::Ptr types = reader_.optional_object(entry, "validations", field);
        reader_.require_known(*types, field, {"ev", "ov"});
        std::vector<DomainValidation> validations;
        for (const char* type : {"ov", "ev"}) {
            const std::string item = field + "." + type;
            const Object::Ptr validation = reader_.optional_object(*types, type, item);
            if (validation) {
                validations.push_back(read_validation(*validation, type, item));
            }
        }
        return validations;
    }

    DomainValidation read_validation(const Object& object, const std::string& type,
                                     const std::string& field) const {
        reader_.require_known(object, field, {"expires_in_days", "status"});
        DomainValidation validation{type, "", std::nullopt};
        if (!object.has("status") || !object.get("status").isString()) {
            reader_.fail(field + ".status", "must be \"active\" or \"pending\"");
        }
        validation.status = object.getValue<std::string>("status");
        if (validation.status != "active" && validation.status != "pending") {
            reader_.fail(field + ".status", "must be \"active\" or \"pending\"");
        }
        const auto days = reader_.optional_integer(object, "expires_in_days",
                                                   field + ".expires_in_days", -kMaxDays, kMaxDays);
        if (days) {
            validation.validated_until = start_ + std::chrono::hours(24 * *days);
        } else if (validation.status == "active") {
            reader_.fail(field + ".expires_in_days",
                         "is missing; an active validation needs it (days from the sandbox's "
                         "start, negative when expired)");
        }
        return validation;
    }

    const FixtureReader reader_;
    const Clock::time_point start_;
};

}  // namespace

SandboxFixture load_sandbox_fixture(const std::string& path, Clock::time_point start) {
    return FixtureLoader(path, start).load();
}

std::vector<SandboxDomain> load_domain_fixture(const std::string& path, Clock::time_point start) {
    return load_sandbox_fixture(path, start).domains;
}

}  // namespace sandbox
