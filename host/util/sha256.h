// SHA-256 through OpenSSL's libcrypto (already loaded by every taskhost process: libpq needs it),
// whose hardware-accelerated code hashes a plugin file several times faster than Poco's portable
// SHA2Engine (issue 12: hashing the plugin was a third of a cold start).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace taskhost {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, size_t size);
    void update(const std::string& text) { update(text.data(), text.size()); }
    // Lower-case hex of the digest; the hasher is spent after this.
    std::string hex_digest();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// Makes OpenSSL load its configuration and providers and fetch SHA-256 now, on the calling
// thread, so that a later Sha256 in this process starts at once (or waits for this).
void warm_up_sha256();

// The lower-case hex SHA-256 of `text`.
std::string sha256_hex(const std::string& text);

}  // namespace taskhost
