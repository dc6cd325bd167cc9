// Reading the daemon's answers in the CLI: the body as a bounded JSON object, and the message of
// an error answer ({"error": {"msg", ...}} or {"msg"}).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "cli/daemon_client.h"
#include "util/host_error.h"

namespace taskhost {

Result<Poco::JSON::Object::Ptr> parse_daemon_answer(const DaemonAnswer& answer,
                                                    const std::string& socket);

std::string daemon_error_text(const Poco::JSON::Object::Ptr& body);

}  // namespace taskhost
