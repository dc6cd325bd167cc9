#include "dcv_recipients.h"

#include <Poco/String.h>

#include <algorithm>

namespace sandbox {
namespace {

bool contains_address(const std::vector<std::string>& list, const std::string& address) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& candidate) {
        return Poco::icompare(candidate, address) == 0;
    });
}

void append_new(std::vector<std::string>& list, const std::vector<std::string>& more) {
    for (const std::string& address : more) {
        if (!contains_address(list, address)) {
            list.push_back(address);
        }
    }
}

}  // namespace

std::vector<std::string> constructed_emails(const std::string& scope) {
    std::vector<std::string> emails;
    for (const char* local : {"admin", "administrator", "webmaster", "hostmaster", "postmaster"}) {
        emails.push_back(std::string(local) + "@" + scope);
    }
    return emails;
}

std::vector<std::string> eligible_emails(const std::vector<std::string>& dns_txt_emails,
                                         const std::string& scope,
                                         const DcvEmailPreferences& preferences) {
    std::vector<std::string> eligible;
    if (preferences.constructed) {
        append_new(eligible, constructed_emails(scope));
    }
    if (preferences.dns_txt) {
        append_new(eligible, dns_txt_emails);
    }
    return eligible;
}

std::vector<std::string> mailed_emails(const std::vector<std::string>& requested,
                                       const std::vector<std::string>& eligible) {
    std::vector<std::string> mailed;
    for (const std::string& address : requested) {
        if (contains_address(eligible, address) && !contains_address(mailed, address)) {
            mailed.push_back(address);
        }
    }
    return mailed.empty() ? eligible : mailed;
}

}  // namespace sandbox
