// load_domain_fixture: the domains a sandbox serves, from a JSON file a person wrote. Every
// mistake is reported with the file, the field and what it should be; nothing half-loads.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sandbox_server.h"

namespace sandbox {
namespace {

constexpr std::streamoff kMaxFixtureBytes = 1 << 20;
constexpr size_t kMaxDomains = 10000;
constexpr size_t kMaxEmailsPerList = 100;
constexpr size_t kMaxNameLength = 253;  // the longest DNS name
constexpr size_t kMaxJsonDepth = 8;

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

class FixtureReader {
  public:
    explicit FixtureReader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw std::runtime_error("domain fixture " + path_ + ": " + field + ": " + problem);
    }

    std::string read_text() const {
        std::ifstream in(path_, std::ios::binary);
        if (!in) {
            fail("(file)", "cannot be opened; pass an existing readable JSON file");
        }
        in.seekg(0, std::ios::end);
        const std::streamoff size = in.tellg();
        if (size > kMaxFixtureBytes) {
            fail("(file)", "is " + std::to_string(size) + " bytes; the limit is " +
                               std::to_string(kMaxFixtureBytes));
        }
        in.seekg(0);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

    int64_t read_id(const Object& entry, const std::string& field) const {
        if (!entry.has("id")) {
            fail(field, "is missing; give a positive integer such as 1234567");
        }
        const Var id = entry.get("id");
        if (!id.isInteger() || id.isBoolean()) {
            fail(field, "must be a positive integer such as 1234567");
        }
        const int64_t value = id.convert<Poco::Int64>();
        if (value <= 0) {
            fail(field, "must be a positive integer (got " + std::to_string(value) + ")");
        }
        return value;
    }

    std::string read_name(const Object& entry, const std::string& field) const {
        if (!entry.has("name") || !entry.get("name").isString()) {
            fail(field, "must be a domain name string such as \"example.com\"");
        }
        const std::string name = entry.get("name").extract<std::string>();
        const bool plausible =
            !name.empty() && name.size() <= kMaxNameLength &&
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string::npos &&
            name.front() != '.' && name.back() != '.';
        if (!plausible) {
            fail(field, "must be a lower-case domain name such as \"example.com\" (at most " +
                            std::to_string(kMaxNameLength) + " characters)");
        }
        return name;
    }

    std::vector<std::string> read_emails(const Object& entry, const std::string& name,
                                         const std::string& field) const {
        std::vector<std::string> emails;
        if (!entry.has(name)) {
            return emails;
        }
        if (!entry.isArray(name)) {
            fail(field, "must be an array of email addresses");
        }
        const Array& list = *entry.getArray(name);
        if (list.size() > kMaxEmailsPerList) {
            fail(field, "has " + std::to_string(list.size()) + " addresses; the limit is " +
                            std::to_string(kMaxEmailsPerList));
        }
        for (unsigned i = 0; i < list.size(); ++i) {
            const Var email = list.get(i);
            const std::string item = field + "[" + std::to_string(i) + "]";
            if (!email.isString()) {
                fail(item, "must be an email address string");
            }
            const std::string text = email.extract<std::string>();
            const size_t at = text.find('@');
            if (at == 0 || at == std::string::npos || at + 1 == text.size() || text.size() > 254) {
                fail(item, "must look like user@example.com");
            }
            emails.push_back(text);
        }
        return emails;
    }

    SandboxDomain read_domain(const Object& entry, const std::string& field) const {
        static const std::set<std::string> kKnown = {"id", "name", "validated", "whois_emails",
                                                     "dns_txt_emails"};
        for (const auto& [name, value] : entry) {
            if (kKnown.count(name) == 0) {
                fail(field + "." + name,
                     "is not a known field; use id, name, validated, whois_emails, "
                     "dns_txt_emails");
            }
        }
        SandboxDomain domain;
        domain.id = read_id(entry, field + ".id");
        domain.name = read_name(entry, field + ".name");
        if (entry.has("validated")) {
            if (!entry.get("validated").isBoolean()) {
                fail(field + ".validated", "must be true or false");
            }
            domain.validated = entry.getValue<bool>("validated");
        }
        domain.whois_emails = read_emails(entry, "whois_emails", field + ".whois_emails");
        domain.dns_txt_emails = read_emails(entry, "dns_txt_emails", field + ".dns_txt_emails");
        return domain;
    }

    std::vector<SandboxDomain> read() const {
        Var parsed;
        try {
            Poco::JSON::Parser parser;
            parser.setDepth(kMaxJsonDepth);
            parsed = parser.parse(read_text());
        } catch (const Poco::Exception&) {
            fail("(file)", "is not valid JSON (or nests deeper than " +
                               std::to_string(kMaxJsonDepth) + " levels)");
        }
        if (parsed.type() != typeid(Object::Ptr)) {
            fail("(top level)", "must be an object: {\"domains\": [...]}");
        }
        const Object& top = *parsed.extract<Object::Ptr>();
        if (!top.isArray("domains")) {
            fail("domains", "must be an array of domain objects");
        }
        const Array& list = *top.getArray("domains");
        if (list.size() > kMaxDomains) {
            fail("domains", "has " + std::to_string(list.size()) + " entries; the limit is " +
                                std::to_string(kMaxDomains));
        }
        std::vector<SandboxDomain> domains;
        std::set<int64_t> ids;
        for (unsigned i = 0; i < list.size(); ++i) {
            const std::string field = "domains[" + std::to_string(i) + "]";
            if (!list.isObject(i)) {
                fail(field, "must be an object with id and name");
            }
            SandboxDomain domain = read_domain(*list.getObject(i), field);
            if (!ids.insert(domain.id).second) {
                fail(field + ".id",
                     "repeats id " + std::to_string(domain.id) + "; every domain needs its own id");
            }
            domains.push_back(std::move(domain));
        }
        return domains;
    }

  private:
    const std::string path_;
};

}  // namespace

std::vector<SandboxDomain> load_domain_fixture(const std::string& path) {
    return FixtureReader(path).read();
}

}  // namespace sandbox
