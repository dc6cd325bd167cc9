#include "ledger/journal_changes.h"

namespace taskhost {

void mark_intent(JournalEntry& entry, const TaskIdentity& identity, int64_t now_ms,
                 const std::string& owner, int64_t lease_until_ms) {
    entry.identity.manifest = identity.manifest;
    entry.identity.name = identity.name;
    entry.sending_since = from_epoch_ms(now_ms);
    entry.sending_owner = owner;
    entry.lease_until = from_epoch_ms(lease_until_ms);
}

void mark_completion(JournalEntry& entry, const TaskIdentity& identity,
                     const Completion& completion, int64_t now_ms) {
    entry.sending_since.reset();
    entry.sending_owner.clear();
    entry.lease_until.reset();
    if (completion.sent) {
        entry.last_sent_at = from_epoch_ms(now_ms);
    }
    entry.last_result = completion.status;
    entry.last_result_at = from_epoch_ms(now_ms);
    // Accepted: whatever was in doubt before (a kill mid-send, a send without an answer) is
    // settled. Not accepted: a doubt stays until a send is.
    entry.last_in_doubt = completion.in_doubt && !completion.sent;
    entry.identity.subject_id =
        completion.subject_id.empty() ? identity.subject_id : completion.subject_id;
    entry.identity.subject_name =
        completion.subject_name.empty() ? identity.subject_name : completion.subject_name;
}

}  // namespace taskhost
