// Where an account's API key comes from, read just before a plugin needs it and never earlier.
// The key is never logged and never part of an error: messages name the account and the
// source (variable or file), not the value.
#pragma once

#include <string>

#include "config/host_config.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxKeyFileBytes = 4096;

// An API key that wipes its bytes when it goes. Move-only, so there is one copy to wipe.
class ApiKey {
  public:
    explicit ApiKey(std::string value) : value_(std::move(value)) {}
    ~ApiKey();
    ApiKey(ApiKey&& other) noexcept;
    ApiKey& operator=(ApiKey&& other) noexcept;
    ApiKey(const ApiKey&) = delete;
    ApiKey& operator=(const ApiKey&) = delete;

    // The secret itself: for the task spec handed to the plugin, and for scrubbing output.
    const std::string& reveal() const { return value_; }

  private:
    std::string value_;
};

// Overwrites a string's bytes in a way the optimiser keeps, then empties it.
void wipe(std::string& secret);

// The key of `account`: from its environment variable (set, non-empty) or its key file (a
// regular file owned by this user or root, no group/other permission bits, at most 4 KiB).
// Trailing whitespace is trimmed; control characters, spaces and non-ASCII bytes are refused.
Result<ApiKey> resolve_account_key(const AccountConfig& account);

}  // namespace taskhost
