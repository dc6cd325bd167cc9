#include "cli/cli_args.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

// Walks argv words: flags (--name, --name=value, --name value), "--" ends flags.
class ArgumentWalker {
  public:
    ArgumentWalker(const std::vector<std::string>& args, std::string command)
        : args_(args), command_(std::move(command)) {}

    using FlagHandler = std::function<void(const std::string& value)>;

    void on_switch(const std::string& name, std::function<void()> handler) {
        switches_[name] = std::move(handler);
    }
    void on_value(const std::string& name, FlagHandler handler) {
        values_[name] = std::move(handler);
    }

    // Returns the positional words in order.
    std::vector<std::string> walk() {
        std::vector<std::string> positional;
        bool flags_done = false;
        for (size_t i = 0; i < args_.size(); ++i) {
            const std::string& word = args_[i];
            if (flags_done || word == "-" || word.empty() || word[0] != '-') {
                positional.push_back(word);
                continue;
            }
            if (word == "--") {
                flags_done = true;
                continue;
            }
            const size_t equals = word.find('=');
            const std::string name = word.substr(0, equals);
            if (!seen_.insert(name).second) {
                fail(name, "is given twice", "give it once");
            }
            if (const auto found = switches_.find(name); found != switches_.end()) {
                if (equals != std::string::npos) {
                    fail(name, "takes no value", "write " + name + " alone");
                }
                found->second();
                continue;
            }
            const auto found = values_.find(name);
            if (found == values_.end()) {
                fail(printable(name, 64), "is not a flag of taskhost " + command_,
                     "see taskhost " + command_ + " --help");
            }
            if (equals != std::string::npos) {
                found->second(word.substr(equals + 1));
            } else if (i + 1 < args_.size()) {
                found->second(args_[++i]);
            } else {
                fail(name, "needs a value", "write " + name + " VALUE");
            }
        }
        return positional;
    }

  private:
    const std::vector<std::string>& args_;
    std::string command_;
    std::map<std::string, std::function<void()>> switches_;
    std::map<std::string, FlagHandler> values_;
    std::set<std::string> seen_;
};

void require_value(const std::string& flag, const std::string& value) {
    if (value.empty()) {
        fail(flag, "has an empty value", "write " + flag + " VALUE");
    }
}

}  // namespace

Result<RunOptions> parse_run_args(const std::vector<std::string>& args) {
    try {
        RunOptions options;
        ArgumentWalker walker(args, "run");
        walker.on_switch("--help", [&] { options.help = true; });
        walker.on_switch("-h", [&] { options.help = true; });
        walker.on_switch("--check", [&] { options.task.check = true; });
        walker.on_switch("--detailed-exitcodes", [&] { options.detailed_exitcodes = true; });
        walker.on_switch("--pretty", [&] { options.pretty = true; });
        walker.on_value("--account", [&](const std::string& v) {
            require_value("--account", v);
            options.task.account = v;
        });
        walker.on_value("--spec", [&](const std::string& v) {
            require_value("--spec", v);
            options.spec_source = v;
        });
        walker.on_value("--id", [&](const std::string& v) {
            require_value("--id", v);
            options.task.id = v;
        });
        walker.on_value("--config", [&](const std::string& v) {
            require_value("--config", v);
            options.config = v;
        });
        walker.on_value("--socket", [&](const std::string& v) {
            require_value("--socket", v);
            options.socket = v;
        });
        const std::vector<std::string> positional = walker.walk();
        if (options.help) {
            return options;
        }
        for (size_t i = 0; i < positional.size(); ++i) {
            const std::string& word = positional[i];
            // A task name never holds '=', so "run --spec f.json a=1" has params only.
            if (i == 0 && word.find('=') == std::string::npos) {
                options.task.task = word;
            } else if (word.find('=') == std::string::npos || word[0] == '=') {
                fail("argument \"" + printable(word, 64) + "\"",
                     "is neither TASK nor a key=value param",
                     "write taskhost run TASK name=value ... (see taskhost run --help)");
            } else {
                options.task.assignments.push_back(word);
            }
        }
        if (!options.task.task && !options.spec_source) {
            fail("TASK", "is missing",
                 "write taskhost run TASK [name=value ...], or give --spec FILE");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

Result<PluginsOptions> parse_plugins_args(const std::vector<std::string>& args) {
    try {
        PluginsOptions options;
        ArgumentWalker walker(args, "plugins");
        walker.on_switch("--help", [&] { options.help = true; });
        walker.on_switch("-h", [&] { options.help = true; });
        walker.on_switch("--json", [&] { options.json = true; });
        walker.on_value("--config", [&](const std::string& v) {
            require_value("--config", v);
            options.config = v;
        });
        walker.on_value("--socket", [&](const std::string& v) {
            require_value("--socket", v);
            options.socket = v;
        });
        const std::vector<std::string> positional = walker.walk();
        if (!positional.empty() && !options.help) {
            fail("argument \"" + printable(positional[0], 64) + "\"", "is not expected",
                 "taskhost plugins takes only flags (see taskhost plugins --help)");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

Result<ServeOptions> parse_serve_args(const std::vector<std::string>& args) {
    try {
        ServeOptions options;
        ArgumentWalker walker(args, "serve");
        walker.on_switch("--help", [&] { options.help = true; });
        walker.on_switch("-h", [&] { options.help = true; });
        walker.on_value("--config", [&](const std::string& v) {
            require_value("--config", v);
            options.config = v;
        });
        walker.on_value("--socket", [&](const std::string& v) {
            require_value("--socket", v);
            options.socket = v;
        });
        const std::vector<std::string> positional = walker.walk();
        if (!positional.empty() && !options.help) {
            fail("argument \"" + printable(positional[0], 64) + "\"", "is not expected",
                 "taskhost serve takes only flags (see taskhost serve --help)");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

Result<ReloadOptions> parse_reload_args(const std::vector<std::string>& args) {
    try {
        ReloadOptions options;
        ArgumentWalker walker(args, "reload");
        walker.on_switch("--help", [&] { options.help = true; });
        walker.on_switch("-h", [&] { options.help = true; });
        walker.on_switch("--json", [&] { options.json = true; });
        walker.on_value("--config", [&](const std::string& v) {
            require_value("--config", v);
            options.config = v;
        });
        walker.on_value("--socket", [&](const std::string& v) {
            require_value("--socket", v);
            options.socket = v;
        });
        const std::vector<std::string> positional = walker.walk();
        if (!positional.empty() && !options.help) {
            fail("argument \"" + printable(positional[0], 64) + "\"", "is not expected",
                 "taskhost reload takes only flags (see taskhost reload --help)");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

bool wants_detailed_exitcodes(const std::vector<std::string>& args) {
    for (const std::string& word : args) {
        if (word == "--") {
            return false;
        }
        if (word == "--detailed-exitcodes") {
            return true;
        }
    }
    return false;
}

}  // namespace taskhost
