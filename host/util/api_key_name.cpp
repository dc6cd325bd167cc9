#include "util/api_key_name.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cctype>

#include "util/bounded_json.h"

namespace taskhost {

bool looks_like_api_key(const std::string& key) {
    std::string folded;
    for (char c : key) {
        if (c != '_' && c != '-') {
            folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return folded == "apikey";
}

std::optional<std::string> find_api_key(const Poco::Dynamic::Var& value,
                                        const std::string& json_path) {
    if (is_json_object(value)) {
        for (const auto& entry : *value.extract<Poco::JSON::Object::Ptr>()) {
            const std::string child = json_path_child(json_path, entry.first);
            if (looks_like_api_key(entry.first)) {
                return child;
            }
            if (auto found = find_api_key(entry.second, child)) {
                return found;
            }
        }
    } else if (is_json_array(value)) {
        const Poco::JSON::Array::Ptr list = value.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < list->size(); ++i) {
            if (auto found = find_api_key(list->get(i), json_path_index(json_path, i))) {
                return found;
            }
        }
    }
    return std::nullopt;
}

}  // namespace taskhost
