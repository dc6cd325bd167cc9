#include "manifest/for_each_items.h"

#include <Poco/JSON/Array.h>

#include <map>

#include "util/bounded_json.h"
#include "util/json_fields.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const char* const kItemsFix =
    "the listing task's plugin must give \"items\": [{\"key\": \"UNIQUE NAME\", \"params\": "
    "{...}}, ...] (report it to the plugin's authors)";

// Characters, not bytes: a UTF-8 key counts each character once.
size_t chars_in(const std::string& text) {
    size_t count = 0;
    for (unsigned char c : text) {
        count += (c & 0xc0) != 0x80 ? 1 : 0;
    }
    return count;
}

bool has_control(const std::string& text) {
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

class ItemReader {
  public:
    explicit ItemReader(const ManifestTask& task) : task_(task) {
        where_ = task.file + ": task \"" + task.name +
                 "\": " + json_path_index("$.tasks", task.index) + ".for_each";
        listing_ = "the listing " + task.for_each->task;
    }

    std::vector<ManifestTask> read(const Object::Ptr& outcome) {
        const Poco::Dynamic::Var items = outcome->get("items");
        if (!is_json_array(items)) {
            fail(where_, listing_ + " gave " + json_type_name(items) + " as \"items\"", kItemsFix);
        }
        // A listing that says it is partial would leave targets out without a word.
        const Poco::Dynamic::Var partial = outcome->get("items_incomplete");
        if (partial.isBoolean() && partial.extract<bool>()) {
            fail(where_,
                 listing_ + " says its items are incomplete (it listed only part of what matched)",
                 "narrow the listing with its \"params\" in for_each, or split the manifest task");
        }
        const Array::Ptr list = items.extract<Array::Ptr>();
        if (list->size() > kMaxManifestTasks) {
            fail(where_,
                 listing_ + " gave " + std::to_string(list->size()) + " items, more than the " +
                     std::to_string(kMaxManifestTasks) + " one for_each may run",
                 "narrow the listing with its \"params\" in for_each, or split the manifest task");
        }
        std::vector<ManifestTask> tasks;
        std::map<std::string, size_t> keys;
        for (size_t i = 0; i < list->size(); ++i) {
            tasks.push_back(task_for(list->get(i), i));
            const std::string key = tasks.back().name.substr(task_.name.size() + 1);
            const auto [first, fresh] = keys.emplace(key, i);
            if (!fresh) {
                fail(where_,
                     listing_ + " gave the key \"" + printable(key, 64) + "\" twice (items[" +
                         std::to_string(first->second) + "] and items[" + std::to_string(i) + "])",
                     kItemsFix);
            }
        }
        return tasks;
    }

  private:
    [[noreturn]] void bad_item(size_t index, const std::string& problem) const {
        fail(where_, listing_ + " gave items[" + std::to_string(index) + "] " + problem, kItemsFix);
    }

    std::string key_of(const Object::Ptr& item, size_t index) const {
        const Poco::Dynamic::Var key = item->get("key");
        if (key.isEmpty()) {
            bad_item(index, "without a \"key\"");
        }
        if (!key.isString()) {
            bad_item(index, "whose \"key\" " + wrong_type(key, "a string"));
        }
        const std::string text = key.extract<std::string>();
        if (text.empty() || chars_in(text) > kMaxItemKeyChars || has_control(text)) {
            bad_item(index, "whose \"key\" \"" + printable(text, 64) +
                                "\" is empty, longer than 200 characters or holds control "
                                "characters");
        }
        return text;
    }

    ManifestTask task_for(const Poco::Dynamic::Var& value, size_t index) const {
        if (!is_json_object(value)) {
            bad_item(index, "that " + wrong_type(value, "an object"));
        }
        const Object::Ptr item = value.extract<Object::Ptr>();
        const std::string key = key_of(item, index);
        const Poco::Dynamic::Var params = item->get("params");
        if (!is_json_object(params)) {
            bad_item(index, params.isEmpty()
                                ? "without \"params\""
                                : "whose \"params\" " + wrong_type(params, "an object"));
        }
        ManifestTask listed = task_;
        listed.for_each.reset();
        listed.name = task_.name + "/" + key;
        listed.params = new Object;
        for (const auto& entry : *task_.params) {
            listed.params->set(entry.first, entry.second);
        }
        for (const auto& entry : *params.extract<Object::Ptr>()) {
            listed.params->set(entry.first, entry.second);
        }
        return listed;
    }

    const ManifestTask& task_;
    std::string where_;
    std::string listing_;
};

}  // namespace

Result<std::vector<ManifestTask>> tasks_for_items(const ManifestTask& task,
                                                  const Object::Ptr& listing_outcome) {
    try {
        return ItemReader(task).read(listing_outcome);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
