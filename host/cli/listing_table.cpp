#include "cli/listing_table.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <sstream>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr size_t kMaxTitleChars = kMaxItemColumnTitleChars;
constexpr size_t kMaxSummaryChars = 200;
constexpr size_t kMaxMsgChars = 2000;
constexpr const char* kEllipsis = "\xE2\x80\xA6";  // …

// Code points a terminal would act on rather than show: C0 and C1 controls, DEL, line and
// paragraph separators, and the bidirectional overrides that reorder what follows.
bool is_control(uint32_t code) {
    return code < 0x20 || (code >= 0x7f && code < 0xa0) || code == 0x2028 || code == 0x2029 ||
           (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

// The length of the UTF-8 sequence at `at` and its code point; 0 when it is not UTF-8.
size_t utf8_sequence(const std::string& text, size_t at, uint32_t& code) {
    const unsigned char lead = static_cast<unsigned char>(text[at]);
    const size_t length = lead < 0x80                    ? 1
                          : lead >= 0xf0 && lead <= 0xf4 ? 4
                          : lead >= 0xe0                 ? 3
                          : lead >= 0xc2 && lead < 0xe0  ? 2
                                                         : 0;
    if (length == 0 || at + length > text.size()) {
        return 0;
    }
    code = length == 1 ? lead : lead & (0xff >> (length + 1));
    for (size_t i = 1; i < length; ++i) {
        const unsigned char next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xc0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (next & 0x3f);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    const bool surrogate = code >= 0xd800 && code <= 0xdfff;
    return code < smallest[length] || code > 0x10ffff || surrogate ? 0 : length;
}

// `text` as characters a terminal shows as they are: whitespace controls become ' ', other
// controls and bytes that are not UTF-8 '?'.
std::vector<std::string> display_chars(const std::string& text) {
    std::vector<std::string> chars;
    for (size_t at = 0; at < text.size();) {
        uint32_t code = 0;
        const size_t length = utf8_sequence(text, at, code);
        if (length == 0) {
            chars.emplace_back("?");
            ++at;
            continue;
        }
        if (code == '\t' || code == '\n' || code == '\r') {
            chars.emplace_back(" ");
        } else {
            chars.push_back(is_control(code) ? "?" : text.substr(at, length));
        }
        at += length;
    }
    return chars;
}

// `text` made safe for a terminal and cut to `max_chars`, ending in "…" when cut.
std::string displayed(const std::string& text, size_t max_chars) {
    const std::vector<std::string> chars = display_chars(text);
    const bool cut = chars.size() > max_chars;
    const size_t kept = cut ? (max_chars > 0 ? max_chars - 1 : 0) : chars.size();
    std::string out;
    for (size_t i = 0; i < kept; ++i) {
        out += chars[i];
    }
    return cut ? out + kEllipsis : out;
}

// Characters, not bytes: `text` is valid UTF-8 here (displayed() made it so).
size_t width_of(const std::string& text) {
    return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

// The member at dotted `key` ("validations.ov.status") of `item`; empty when absent.
Poco::Dynamic::Var member_at(const Poco::Dynamic::Var& item, const std::string& key) {
    Poco::Dynamic::Var value = item;
    size_t start = 0;
    while (is_json_object(value)) {
        const size_t dot = key.find('.', start);
        value = value.extract<Object::Ptr>()->get(key.substr(start, dot - start));
        if (dot == std::string::npos) {
            return value;
        }
        start = dot + 1;
    }
    return {};
}

bool is_scalar(const Poco::Dynamic::Var& value) {
    return !is_json_object(value) && !is_json_array(value);
}

// Without described columns: every scalar member of the first item but "params".
std::vector<ItemColumn> columns_of_first_item(const Array::Ptr& items) {
    std::vector<ItemColumn> columns;
    if (items->size() == 0 || !is_json_object(items->get(0))) {
        return columns;
    }
    const Object::Ptr first = items->get(0).extract<Object::Ptr>();
    // getNames(), not iteration: only it keeps the order the plugin wrote.
    for (const std::string& name : first->getNames()) {
        if (name == "params" || !is_scalar(first->get(name)) || columns.size() == kMaxItemColumns) {
            continue;
        }
        std::string title = name;
        std::transform(title.begin(), title.end(), title.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        columns.push_back(ItemColumn{title, name});
    }
    return columns;
}

// Rows of cells under their titles; columns two spaces apart, each as wide as its widest cell.
std::string table_lines(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) {
            widths[c] = std::max(widths[c], width_of(row[c]));
        }
    }
    std::string text;
    for (const auto& row : rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) {
                line += std::string(widths[c] - width_of(row[c]) + 2, ' ');
            }
        }
        text += line + "\n";
    }
    return text;
}

std::string items_table(const Array::Ptr& items, std::vector<ItemColumn> columns) {
    if (columns.empty()) {
        columns = columns_of_first_item(items);
    }
    if (items->size() == 0) {
        return "(no items)\n";
    }
    if (columns.empty()) {
        return "(" + std::to_string(items->size()) +
               " items with no field to show as a column; see --format json)\n";
    }
    std::vector<std::vector<std::string>> rows(1);
    for (const ItemColumn& column : columns) {
        rows.front().push_back(displayed(column.title, kMaxTitleChars));
    }
    for (const Poco::Dynamic::Var& item : *items) {
        std::vector<std::string>& row = rows.emplace_back();
        for (const ItemColumn& column : columns) {
            row.push_back(cell_text(member_at(item, column.key)));
        }
    }
    return table_lines(rows);
}

std::string summary_lines(const Object::Ptr& outcome) {
    const Poco::Dynamic::Var summary = outcome->get("summary");
    if (!is_json_object(summary)) {
        return "";
    }
    const Object::Ptr fields = summary.extract<Object::Ptr>();
    std::string text;
    for (const std::string& name : fields->getNames()) {
        text += displayed(name, kMaxTitleChars) + ": " +
                cell_text(fields->get(name), kMaxSummaryChars) + "\n";
    }
    return text;
}

}  // namespace

std::string cell_text(const Poco::Dynamic::Var& value, size_t max_chars) {
    if (value.isEmpty()) {
        return "-";
    }
    if (value.isString()) {
        return displayed(value.extract<std::string>(), max_chars);
    }
    if (value.isBoolean()) {
        return value.extract<bool>() ? "true" : "false";
    }
    if (value.isNumeric()) {
        return displayed(value.convert<std::string>(), max_chars);
    }
    std::ostringstream json;
    Poco::JSON::Stringifier::condense(value, json);
    return displayed(json.str(), max_chars);
}

bool has_items(const Object::Ptr& outcome) {
    return outcome && is_json_array(outcome->get("items"));
}

std::string listing_table(const Object::Ptr& outcome, const std::vector<ItemColumn>& columns) {
    std::string text = items_table(outcome->getArray("items"), columns);
    const std::string summary = summary_lines(outcome);
    if (!summary.empty()) {
        text += "\n" + summary;
    }
    const Poco::Dynamic::Var msg = outcome->get("msg");
    const Poco::Dynamic::Var failed = outcome->get("failed");
    if (msg.isString() && !msg.extract<std::string>().empty()) {
        text += std::string(summary.empty() ? "\n" : "") +
                (failed.isBoolean() && failed.extract<bool>() ? "FAILED: " : "") +
                displayed(msg.extract<std::string>(), kMaxMsgChars) + "\n";
    }
    return text.substr(0, text.size() - 1);
}

std::string outcome_text(const Object::Ptr& outcome, const std::string& json,
                         const std::vector<ItemColumn>& columns, bool as_table) {
    return as_table && has_items(outcome) ? listing_table(outcome, columns) : json;
}

}  // namespace taskhost
