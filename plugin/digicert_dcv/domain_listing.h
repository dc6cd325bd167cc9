// What digicert.domain.list found: the account's domains that pass the filters, each with its
// DCV state judged per validation type, and counts over every domain read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "dcv_validity.h"
#include "domain_list.h"

namespace digicert_dcv {

struct ListedItem {
    ListedDomain domain;
    DcvVerdict verdict;  // judged with the listing's window
    std::string key;     // the item's name among the items: its domain name, or name#id
};

struct DomainListing {
    std::string filters;  // describe_filters(), "" when none
    std::size_t pages = 0;
    std::size_t domains = 0;  // read (each id once)
    std::size_t matched = 0;  // passed the filters
    std::size_t pending = 0;  // of those read: a validation pending, expired or missing
    std::size_t due = 0;      // of those read: due within the window
    std::size_t inactive = 0;
    std::string window;      // the window "due" counts with ("30d"), "" for none
    bool truncated = false;  // more matched than max_items, or more pages than allowed
    std::string truncation;  // why, when truncated
    std::vector<ListedItem> items;
};

}  // namespace digicert_dcv
