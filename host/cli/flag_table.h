// One options table per command, after curl's aliases[] (src/tool_getparam.c) and its help
// list (src/tool_listhelp.c): each flag is declared once, with its spellings, its value and how
// that is checked, the field it sets and its help. The same table parses the command line and
// writes the usage line and the flags part of --help, so flags and help cannot drift.
//
// The command line of every command: flags (--name, --name=value, --name value) and operands
// in any order; "--" ends the flags. A flag given twice, an unknown flag, a switch with a value
// and a value that is missing, empty or fails its check are usage errors naming the flag.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "util/host_error.h"

namespace taskhost {

// How a flag's value is checked before it is stored. A value is never empty.
struct ValueCheck {
    enum class Kind { kNoValue, kText, kNumber };
    Kind kind = Kind::kNoValue;
    unsigned long min = 0;  // kNumber: a whole number from min to max
    unsigned long max = 0;
    const char* unit = "";  // kNumber: "tasks" makes the error "... is not a number of tasks"
};

inline constexpr ValueCheck kSwitch{};  // takes no value
inline constexpr ValueCheck kNonEmpty{ValueCheck::Kind::kText};
constexpr ValueCheck number_of(const char* unit, unsigned long min, unsigned long max) {
    return ValueCheck{ValueCheck::Kind::kNumber, min, max, unit};
}

// A flag's value once checked: the text, and for a kNumber check the number.
struct FlagValue {
    std::string text;
    unsigned long number = 0;
};

// Where a flag goes: a field of the options (bool: set by a switch; optional<string>: a text;
// size_t: a number), or a field of one of their parts (field_in below).
template <class Options>
class FlagField {
  public:
    using Store = std::function<void(Options&, const FlagValue&)>;

    FlagField(bool Options::*field)
        : kind_(ValueCheck::Kind::kNoValue),
          store_([field](Options& options, const FlagValue&) { options.*field = true; }) {}
    FlagField(std::optional<std::string> Options::*field)
        : kind_(ValueCheck::Kind::kText),
          store_([field](Options& options, const FlagValue& v) { options.*field = v.text; }) {}
    FlagField(size_t Options::*field)
        : kind_(ValueCheck::Kind::kNumber),
          store_([field](Options& options, const FlagValue& v) { options.*field = v.number; }) {}
    template <class Part, class T>
    FlagField(Part Options::*part, T Part::*field) {
        const FlagField<Part> inner(field);
        kind_ = inner.kind();
        store_ = [part, inner](Options& options, const FlagValue& v) {
            inner.store(options.*part, v);
        };
    }

    ValueCheck::Kind kind() const { return kind_; }
    void store(Options& options, const FlagValue& value) const { store_(options, value); }

  private:
    ValueCheck::Kind kind_ = ValueCheck::Kind::kNoValue;
    Store store_;
};

// A field of one of the options' parts: field_in(&RunOptions::task, &CommandLineTask::account).
template <class Options, class Part, class T>
FlagField<Options> field_in(Part Options::*part, T Part::*field) {
    return FlagField<Options>(part, field);
}

// One row of a table.
template <class Options>
struct Flag {
    std::string names;  // its spellings, ", " between: "--config", "-h, --help"
    std::string value;  // the value's name in help ("FILE"); empty for a switch
    ValueCheck check;
    FlagField<Options> field;
    std::string help;  // what it does; '\n' between lines
};

// What a flag is, whatever options it fills: what the walk and the help need.
struct FlagSyntax {
    std::vector<std::string> spellings;
    std::string value;
    ValueCheck check;
    std::string help;
};

// "-h, --help" -> {"-h", "--help"}.
std::vector<std::string> split_flag_spellings(const std::string& names);

// The walk over the words and the help text, shared by every table.
class FlagSyntaxTable {
  public:
    // `operands` is what the usage line shows before the flags: "TASK [name=value ...]".
    // Throws std::logic_error for a table that contradicts itself (a programming error).
    FlagSyntaxTable(std::string command, std::string operands, std::vector<FlagSyntax> flags);

    // Calls `found(row, value)` for each flag in `args` and returns the operands, in order.
    // Throws HostErrorException naming the flag.
    std::vector<std::string> walk(
        const std::vector<std::string>& args,
        const std::function<void(size_t row, const FlagValue& value)>& found) const;

    // "usage: taskhost COMMAND OPERANDS [--flag VALUE] ...\n", every flag but --help.
    std::string usage() const;
    // One entry per flag, its help in a column: the flags part of --help.
    std::string flags_help() const;

    const std::string& command() const { return command_; }
    const std::vector<FlagSyntax>& flags() const { return flags_; }

  private:
    std::optional<size_t> row_of(const std::string& spelling) const;
    FlagValue checked_value(const std::string& name, const std::string& value,
                            const ValueCheck& check) const;

    std::string command_;
    std::string operands_;
    std::vector<FlagSyntax> flags_;
};

// A command's table. Every command also has -h/--help, which sets `Options::help`.
template <class Options>
class FlagTable {
  public:
    FlagTable(std::string command, std::string operands, std::vector<Flag<Options>> flags)
        : syntax_(std::move(command), std::move(operands), with_help(flags)) {
        for (Flag<Options>& flag : flags) {
            if (flag.field.kind() != flag.check.kind) {
                throw std::logic_error("flag table of taskhost " + syntax_.command() + ": " +
                                       flag.names + ": its check does not fit its field");
            }
            fields_.push_back(std::move(flag.field));
        }
    }

    // Sets the fields of `options` that `args` has flags for; returns the operands.
    // Throws HostErrorException naming the flag.
    std::vector<std::string> parse(const std::vector<std::string>& args, Options& options) const {
        return syntax_.walk(
            args, [&](size_t row, const FlagValue& value) { fields_[row].store(options, value); });
    }

    const FlagSyntaxTable& syntax() const { return syntax_; }
    std::string usage() const { return syntax_.usage(); }
    std::string flags_help() const { return syntax_.flags_help(); }

  private:
    static std::vector<FlagSyntax> with_help(std::vector<Flag<Options>>& flags) {
        flags.push_back({"-h, --help", "", kSwitch, &Options::help, "show this help"});
        std::vector<FlagSyntax> syntax;
        for (const Flag<Options>& flag : flags) {
            syntax.push_back({split_flag_spellings(flag.names), flag.value, flag.check, flag.help});
        }
        return syntax;
    }

    FlagSyntaxTable syntax_;
    std::vector<FlagField<Options>> fields_;
};

}  // namespace taskhost
