// `taskhost run --format salt`: what Salt's cmd.run with `stateful: True` reads. Salt takes the
// LAST line of stdout, splits it like a POSIX shell (shlex) into key=value pairs, and reads
// `changed` (yes/no) and `comment`; the exit code says whether the state failed. So the outcome
// prints as its usual JSON line, then `changed=yes comment="..."` with the msg as the comment.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace taskhost {

// The last line for `outcome` (without a newline): changed=yes|no comment="<msg>", the msg on
// one line with `\` and `"` escaped as shlex reads double quotes. A failed task says
// changed=no (Salt reads the failure from the exit code).
std::string salt_state_line(const Poco::JSON::Object::Ptr& outcome);

}  // namespace taskhost
