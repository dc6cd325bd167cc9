// Where an account's API key comes from, read just before a plugin needs it and never earlier.
// The key is never logged and never part of an error: messages name the account and the
// source (variable or file), not the value.
#pragma once

#include <string>
#include <string_view>

#include "config/host_config.h"
#include "util/host_error.h"
#include "util/secret_buffer.h"

namespace taskhost {

constexpr size_t kMaxKeyFileBytes = 4096;

// An API key in memory that core dumps leave out (util/secret_buffer.h), wiped and unmapped when
// it goes. Move-only, so there is one copy to wipe.
class ApiKey {
  public:
    explicit ApiKey(std::string_view value) : value_(value) {}

    // The secret itself, in place: for the task spec handed to the plugin, and for scrubbing
    // output.
    std::string_view view() const { return value_.view(); }
    // A copy in a plain std::string, which the caller wipes (wipe() below) when done: only for a
    // caller that must keep the secret as a string (the daemon's TCP API token).
    std::string reveal() const { return std::string(value_.view()); }

  private:
    SecretBuffer value_;
};

// Overwrites all of a string's buffer (its capacity, not only its size) in a way the optimiser
// keeps, then empties it.
void wipe(std::string& secret);

// The key of `account`: from its environment variable (set, non-empty) or its key file (a
// regular file owned by this user or root, no group/other permission bits, at most 4 KiB).
// Trailing whitespace is trimmed; control characters, spaces and non-ASCII bytes are refused.
Result<ApiKey> resolve_account_key(const AccountConfig& account);

}  // namespace taskhost
