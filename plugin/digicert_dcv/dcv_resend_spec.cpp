#include "dcv_resend_spec.h"

#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>

#include "dcv_resend_params.h"
#include "printable_text.h"
#include "spec_json_reader.h"

namespace digicert_dcv {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

RetrySettings parse_retry(const Object& retry) {
    const std::string path = "connection.retry";
    reject_unknown_fields(retry, path,
                          {"max_attempts", "initial_delay_ms", "max_delay_ms", "deadline_ms"});
    RetrySettings out;
    using std::chrono::milliseconds;
    if (const auto n = optional_integer(retry, path, "max_attempts", 1, 10)) {
        out.max_attempts = static_cast<int>(*n);
    }
    if (const auto ms = optional_integer(retry, path, "initial_delay_ms", 0, 60000)) {
        out.initial_delay = milliseconds(*ms);
    }
    if (const auto ms = optional_integer(retry, path, "max_delay_ms", 0, 300000)) {
        out.max_delay = milliseconds(*ms);
    }
    if (const auto ms = optional_integer(retry, path, "deadline_ms", 100, 3600000)) {
        out.deadline = milliseconds(*ms);
    }
    if (out.max_delay < out.initial_delay) {
        invalid("connection.retry.max_delay_ms", "(" + std::to_string(out.max_delay.count()) +
                                                     ") is smaller than initial_delay_ms (" +
                                                     std::to_string(out.initial_delay.count()) +
                                                     "); raise it or lower the other");
    }
    return out;
}

void check_api_key(const std::string& key) {
    // The value is never quoted: not even a part of it.
    if (!is_printable_ascii(key) || key.find(' ') != std::string::npos) {
        invalid("connection.api_key",
                "contains spaces, control or non-ASCII characters; check how the host resolved "
                "the account's key (a trailing newline in the key file is a common cause)");
    }
}

void check_ca_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || ::access(path.c_str(), R_OK) != 0) {
        const int err = errno;
        invalid("connection.ca_file", "cannot read " + quoted_excerpt(path, 200) + " (" +
                                          std::strerror(err) + "); give a readable PEM file");
    }
    if (!S_ISREG(info.st_mode)) {
        invalid("connection.ca_file",
                quoted_excerpt(path, 200) + " is not a regular file; give a PEM file");
    }
}

ConnectionSettings parse_connection(const Object& connection, bool dry_run) {
    const std::string path = "connection";
    reject_unknown_fields(connection, path,
                          {"base_url", "api_key", "ca_file", "timeout_ms", "proxy", "retry"});
    ConnectionSettings out;
    const auto base_url = optional_string(connection, path, "base_url", kMaxUrlLength);
    if (!base_url) {
        invalid("connection.base_url",
                "is required, e.g. https://www.digicert.com/services/v2 (US) or "
                "https://certcentral.digicert.eu/services/v2 (EU)");
    }
    const auto parsed = parse_https_base_url(*base_url);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        invalid("connection.base_url", quoted_excerpt(*base_url, 120) + " " + *problem);
    }
    out.base_url = std::get<HttpsBaseUrl>(parsed);

    const auto key = optional_string(connection, path, "api_key", kMaxApiKeyLength, true);
    if (key) {
        check_api_key(*key);
        out.api_key = *key;
    } else if (!dry_run) {
        invalid("connection.api_key",
                "is required unless dry_run is true; name an account so the host resolves its "
                "key (users never write a key into a spec)");
    }
    if (const auto ca_file = optional_string(connection, path, "ca_file", kMaxCaFilePathLength)) {
        check_ca_file(*ca_file);
        out.ca_file = *ca_file;
    }
    if (const auto ms = optional_integer(connection, path, "timeout_ms", 100, 300000)) {
        out.timeout = std::chrono::milliseconds(*ms);
    }
    if (const auto proxy = optional_string(connection, path, "proxy", kMaxUrlLength)) {
        const auto parsed_proxy = parse_http_proxy_url(*proxy);
        if (const auto* problem = std::get_if<std::string>(&parsed_proxy)) {
            invalid("connection.proxy", quoted_excerpt(*proxy, 120) + " " + *problem);
        }
        out.proxy = std::get<HttpProxy>(parsed_proxy);
    }
    if (const auto retry = optional_object(connection, path, "retry")) {
        out.retry = parse_retry(**retry);
    }
    return out;
}

// Poco's parser messages can quote input bytes; keep the useful part, drop echoed numbers.
std::string describe_json_error(const Poco::Exception& e) {
    const std::string message = e.message();
    if (message.find("Maximum depth") != std::string::npos) {
        return "nests deeper than " + std::to_string(kMaxSpecDepth) + " levels";
    }
    if (message.find("Not a valid") != std::string::npos) {
        return "has a number that is too large or malformed";
    }
    return printable_excerpt(message, 120);
}

// Read before validation so that even a rejected spec's outcome names its task and id.
void read_task_and_id(const Object& root, SpecError& error) {
    if (const Var task = root.get("task"); task.isString()) {
        error.task = printable_excerpt(task.extract<std::string>(), 64);
    }
    if (const Var id = root.get("id"); id.isString()) {
        const std::string text = id.extract<std::string>();
        if (!text.empty() && text.size() <= kMaxIdLength &&
            printable_excerpt(text, kMaxIdLength) == text) {
            error.id = text;
        }
    }
}

DcvResendSpec parse_root(const Object& root) {
    reject_unknown_fields(root, "", {"task", "id", "dry_run", "params", "connection"});
    const auto task = optional_string(root, "", "task", 64);
    if (!task) {
        invalid("task", "is required: \"" + std::string(kTaskName) + "\"");
    }
    if (*task != kTaskName) {
        invalid("task", quoted_excerpt(*task) + " is not a task of this plugin; the only task is " +
                            std::string(kTaskName));
    }
    DcvResendSpec spec;
    spec.id = optional_string(root, "", "id", kMaxIdLength);
    spec.dry_run = optional_bool(root, "", "dry_run").value_or(false);
    const auto params = optional_object(root, "", "params");
    if (!params) {
        invalid("params", "is required, with domain_id (or domain)");
    }
    spec.params = parse_dcv_resend_params(**params);
    const auto connection = optional_object(root, "", "connection");
    if (!connection) {
        invalid("connection", "is required, with base_url and (unless dry_run) api_key");
    }
    spec.connection = parse_connection(**connection, spec.dry_run);
    return spec;
}

}  // namespace

std::variant<DcvResendSpec, SpecError> parse_dcv_resend_spec(std::string_view json) {
    SpecError error;
    if (json.size() > kMaxSpecBytes) {
        error.field = "$";
        error.msg = "task spec is " + std::to_string(json.size()) + " bytes; the limit is " +
                    std::to_string(kMaxSpecBytes);
        return error;
    }
    Var root;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxSpecDepth);
        root = parser.parse(std::string(json));
    } catch (const Poco::Exception& e) {
        error.field = "$";
        error.msg = "task spec is not valid JSON: " + describe_json_error(e);
        return error;
    }
    if (root.type() != typeid(Object::Ptr)) {
        error.field = "$";
        error.msg = std::string("task spec must be a JSON object, got ") + json_type_name(root);
        return error;
    }
    const Object::Ptr object = root.extract<Object::Ptr>();
    try {
        return parse_root(*object);
    } catch (const SpecInvalid& e) {
        error.field = e.field;
        error.msg = e.msg;
        read_task_and_id(*object, error);
        return error;
    }
}

}  // namespace digicert_dcv
