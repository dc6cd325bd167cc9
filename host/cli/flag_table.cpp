#include "cli/flag_table.h"

#include <set>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

constexpr size_t kUsageWidth = 88;  // the most a usage line holds
constexpr size_t kHelpColumn = 22;  // where a flag's help starts

std::string first_spelling_with_value(const FlagSyntax& flag) {
    return flag.spellings.front() + (flag.value.empty() ? "" : " " + flag.value);
}

std::string label_of(const FlagSyntax& flag) {
    std::string label;
    for (const std::string& spelling : flag.spellings) {
        label += (label.empty() ? "" : ", ") + spelling;
    }
    return label + (flag.value.empty() ? "" : " " + flag.value);
}

bool is_help(const FlagSyntax& flag) {
    for (const std::string& spelling : flag.spellings) {
        if (spelling == "--help") {
            return true;
        }
    }
    return false;
}

void check_row(const std::string& command, const FlagSyntax& flag) {
    const auto wrong = [&](const std::string& why) {
        throw std::logic_error("flag table of taskhost " + command + ": " + label_of(flag) + ": " +
                               why);
    };
    if (flag.spellings.empty() || flag.help.empty()) {
        wrong("a flag needs a spelling and a help line");
    }
    for (const std::string& spelling : flag.spellings) {
        if (spelling.size() < 2 || spelling[0] != '-' || spelling == "--" ||
            spelling.find('=') != std::string::npos) {
            wrong("\"" + spelling + "\" cannot be a flag");
        }
    }
    if (flag.value.empty() != (flag.check.kind == ValueCheck::Kind::kNoValue)) {
        wrong("a flag takes a value exactly when it names it");
    }
    if (flag.check.kind == ValueCheck::Kind::kNumber && flag.check.min > flag.check.max) {
        wrong("its number range is empty");
    }
}

}  // namespace

std::vector<std::string> split_flag_spellings(const std::string& names) {
    std::vector<std::string> spellings;
    size_t start = 0;
    for (size_t comma = names.find(", "); comma != std::string::npos;
         comma = names.find(", ", start)) {
        spellings.push_back(names.substr(start, comma - start));
        start = comma + 2;
    }
    spellings.push_back(names.substr(start));
    return spellings;
}

FlagSyntaxTable::FlagSyntaxTable(std::string command, std::string operands,
                                 std::vector<FlagSyntax> flags)
    : command_(std::move(command)), operands_(std::move(operands)), flags_(std::move(flags)) {
    std::set<std::string> spellings;
    for (const FlagSyntax& flag : flags_) {
        check_row(command_, flag);
        for (const std::string& spelling : flag.spellings) {
            if (!spellings.insert(spelling).second) {
                throw std::logic_error("flag table of taskhost " + command_ + ": " + spelling +
                                       " is declared twice");
            }
        }
    }
}

std::optional<size_t> FlagSyntaxTable::row_of(const std::string& spelling) const {
    for (size_t row = 0; row < flags_.size(); ++row) {
        for (const std::string& known : flags_[row].spellings) {
            if (known == spelling) {
                return row;
            }
        }
    }
    return std::nullopt;
}

FlagValue FlagSyntaxTable::checked_value(const std::string& name, const std::string& value,
                                         const ValueCheck& check) const {
    if (value.empty()) {
        fail(name, "has an empty value", "write " + name + " VALUE");
    }
    FlagValue checked{value, 0};
    if (check.kind != ValueCheck::Kind::kNumber) {
        return checked;
    }
    size_t used = 0;
    try {
        checked.number = std::stoul(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != value.size() || checked.number < check.min || checked.number > check.max) {
        fail(name, "\"" + printable(value, 20) + "\" is not a number of " + check.unit,
             "write a whole number from " + std::to_string(check.min) + " to " +
                 std::to_string(check.max));
    }
    return checked;
}

std::vector<std::string> FlagSyntaxTable::walk(
    const std::vector<std::string>& args,
    const std::function<void(size_t row, const FlagValue& value)>& found) const {
    std::vector<std::string> operands;
    std::set<std::string> seen;
    bool flags_done = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (flags_done || word == "-" || word.empty() || word[0] != '-') {
            operands.push_back(word);
            continue;
        }
        if (word == "--") {
            flags_done = true;
            continue;
        }
        const size_t equals = word.find('=');
        const std::string name = word.substr(0, equals);
        if (!seen.insert(name).second) {
            fail(name, "is given twice", "give it once");
        }
        const std::optional<size_t> row = row_of(name);
        if (!row) {
            fail(printable(name, 64), "is not a flag of taskhost " + command_,
                 "see taskhost " + command_ + " --help");
        }
        const ValueCheck& check = flags_[*row].check;
        if (check.kind == ValueCheck::Kind::kNoValue) {
            if (equals != std::string::npos) {
                fail(name, "takes no value", "write " + name + " alone");
            }
            found(*row, FlagValue{});
        } else if (equals != std::string::npos) {
            found(*row, checked_value(name, word.substr(equals + 1), check));
        } else if (i + 1 < args.size()) {
            found(*row, checked_value(name, args[++i], check));
        } else {
            fail(name, "needs a value", "write " + name + " VALUE");
        }
    }
    return operands;
}

std::string FlagSyntaxTable::usage() const {
    std::string text = "usage: taskhost " + command_;
    const std::string indent(text.size() + 1, ' ');
    if (!operands_.empty()) {
        text += " " + operands_;
    }
    size_t line_start = 0;
    for (const FlagSyntax& flag : flags_) {
        if (is_help(flag)) {
            continue;
        }
        const std::string item = "[" + first_spelling_with_value(flag) + "]";
        if (text.size() - line_start + 1 + item.size() > kUsageWidth) {
            text += "\n" + indent;
            line_start = text.size() - indent.size();
        } else {
            text += " ";
        }
        text += item;
    }
    return text + "\n";
}

std::string FlagSyntaxTable::flags_help() const {
    std::string text;
    const std::string column(kHelpColumn, ' ');
    for (const FlagSyntax& flag : flags_) {
        const std::string label = "  " + label_of(flag);
        text += label;
        if (label.size() + 2 <= kHelpColumn) {
            text += std::string(kHelpColumn - label.size(), ' ');
        } else {
            text += "\n" + column;
        }
        for (const char c : flag.help) {
            text += c;
            if (c == '\n') {
                text += column;
            }
        }
        text += "\n";
    }
    return text;
}

}  // namespace taskhost
