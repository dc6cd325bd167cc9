// How one task meets the ledger (ledger/ledger.h): the identity that makes two sends the same,
// the completion an outcome makes, and the outcome the host writes when the ledger says not to
// send. The one task runner is its only user.
//
// A task's subject (what it acts on, a domain for DigiCert) is what `taskhost history --domain`
// finds: before the send from the params the task's describe names in "subject_params"
// ({"id": PARAM, "name": PARAM}), after it from the outcome's "subject" ({"id", "name"}), which
// may name what the plugin resolved.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "ledger/ledger_records.h"
#include "tasks/task_request.h"

namespace taskhost {

// `manifest` and `name` say which manifest task wrote the entry (empty for run and the daemon).
// `canonical_params` and `key`, when given, are the request's own (a manifest task resolves them
// before it runs: journal_key.h), not worked out again.
TaskIdentity task_identity(const TaskRequest& request, const std::string& manifest,
                           const std::string& name, const std::string* canonical_params = nullptr,
                           const std::string* key = nullptr);

// What the outcome says happened, for the journal and the history.
Completion completion_from(const Poco::JSON::Object::Ptr& outcome);

// The outcome of a task the ledger did not let go: status "skipped", changed false, why.
Poco::JSON::Object::Ptr not_sent_outcome(const TaskRequest& request, const LedgerVerdict& verdict,
                                         const std::optional<std::chrono::seconds>& interval);

// What the task acted on, for people: the subject's name, else its id, as the outcome or the
// params name it ("" when its plugin names no subject).
std::string subject_of(const TaskRequest& request, const Poco::JSON::Object::Ptr& outcome);

// Adds the verdict to an outcome: "reason" (why it was or would be sent), "in_doubt" when a
// previous send of it may have arrived, "last_sent_at" when known.
void add_verdict(Poco::JSON::Object::Ptr outcome, const LedgerVerdict& verdict);

}  // namespace taskhost
