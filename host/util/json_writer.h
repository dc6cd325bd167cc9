// Compact JSON from Poco's JSON values, written into one std::string: the same bytes as
// Poco::JSON::Stringifier::stringify(value, out, 0, -1) (tested byte for byte against it), at a
// fraction of its cost. Poco writes each character of a string through std::ostream::write and
// looks each object's keys up once more; in issue 12's profiles of apply and of the daemon,
// rendering outcomes that way was 7-10% of all their CPU.
// Strings are escaped exactly as Poco escapes them (its own escapes for the control characters,
// '"' and '\\', read once from Poco itself; other bytes, UTF-8 included, as they are). A value
// this writer does not know (a date, a Poco::Dynamic::Struct, an object that escapes all of
// Unicode) is handed to Poco's stringifier, so the output never differs.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace taskhost {

void append_json(std::string& out, const Poco::Dynamic::Var& value);
void append_json(std::string& out, const Poco::JSON::Object& object);

}  // namespace taskhost
