#include "domain_list.h"

#include <Poco/String.h>

#include "response_json.h"

namespace digicert_dcv {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::variant<DomainList, std::string> parse_domain_list(std::string_view body) {
    try {
        const Object::Ptr root =
            parse_response_object(body, kMaxDomainListBody, kMaxDomainListDepth);
        if (!root->has("domains")) {
            return std::string("the body has no domains[] list");
        }
        DomainList list;
        const Array::Ptr domains = response_array(*root, "", "domains", kMaxDomainsListed);
        for (std::size_t i = 0; i < domains->size(); ++i) {
            const std::string path = "domains[" + std::to_string(i) + "]";
            const Object::Ptr entry = response_object_at(*domains, i, "domains");
            const auto id = response_integer(*entry, path, "id");
            const auto name = response_string(*entry, path, "name");
            if (!id || *id <= 0) {
                return path + ".id is missing or not a positive integer";
            }
            if (!name || name->empty()) {
                return path + ".name is missing or empty";
            }
            list.domains.push_back(ListedDomain{*id, *name, read_domain_dcv_state(*entry, path)});
        }
        if (root->has("page") && !root->isNull("page")) {
            if (!root->isObject("page")) {
                return std::string("page must be an object");
            }
            const Object::Ptr page = root->getObject("page");
            list.total = response_integer(*page, "page", "total");
            list.limit = response_integer(*page, "page", "limit");
            list.offset = response_integer(*page, "page", "offset");
        }
        return list;
    } catch (const ResponseInvalid& e) {
        return e.msg;
    }
}

std::vector<ListedDomain> exact_name_matches(const DomainList& list, std::string_view name) {
    std::vector<ListedDomain> out;
    const std::string wanted(name);
    for (const ListedDomain& domain : list.domains) {
        if (Poco::icompare(domain.name, wanted) == 0) {
            out.push_back(domain);
        }
    }
    return out;
}

bool list_is_partial(const DomainList& list) {
    return list.total && *list.total > static_cast<int64_t>(list.domains.size());
}

}  // namespace digicert_dcv
