// Random JSON documents for the util tests (the JSON writer, the span check): values of every
// kind Poco makes, nested at most five deep, with strings and keys from `text`.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <random>
#include <string>

namespace taskhost_test {

struct RandomJsonShape {
    std::function<std::string(std::mt19937&)> text;  // one string or key
    bool mixed_key_order = false;  // objects sorted by key half the time, else in insertion order
};

inline Poco::Dynamic::Var random_json(std::mt19937& rng, const RandomJsonShape& shape,
                                      int depth = 0) {
    std::uniform_int_distribution<int> kind(0, depth > 3 ? 4 : 6);
    std::uniform_int_distribution<int> length(0, 12);
    switch (kind(rng)) {
        case 0:
            return shape.text(rng);
        case 1:
            return static_cast<Poco::Int64>(rng()) - (1LL << 31);
        case 2:
            return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
        case 3:
            return rng() % 2 == 0;
        case 4:
            return Poco::Dynamic::Var();
        case 5: {
            const bool sorted = shape.mixed_key_order && rng() % 2 == 0;
            Poco::JSON::Object::Ptr object = new Poco::JSON::Object(
                sorted ? 0 : static_cast<int>(Poco::JSON_PRESERVE_KEY_ORDER));
            for (int i = length(rng) / 2; i > 0; --i) {
                object->set(shape.text(rng), random_json(rng, shape, depth + 1));
            }
            return object;
        }
        default: {
            Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
            for (int i = length(rng) / 2; i > 0; --i) {
                list->add(random_json(rng, shape, depth + 1));
            }
            return list;
        }
    }
}

}  // namespace taskhost_test
