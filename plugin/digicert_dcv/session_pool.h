// Keep-alive HTTPS sessions pooled per endpoint, so bulk work does not pay a TLS handshake per
// task. A Poco session is not thread-safe: a session is leased to one attempt at a time, and
// only a session that finished its exchange cleanly goes back; a failed one is discarded.
#pragma once

#include <Poco/Net/HTTPSClientSession.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

namespace digicert_dcv {

struct Endpoint {
    std::string host;
    uint16_t port = 443;
    std::string ca_file;
    std::string proxy_host;  // empty: direct
    uint16_t proxy_port = 0;

    bool operator<(const Endpoint& other) const {
        return std::tie(host, port, ca_file, proxy_host, proxy_port) <
               std::tie(other.host, other.port, other.ca_file, other.proxy_host, other.proxy_port);
    }
};

struct SessionPoolLimits {
    // Idle sessions kept per endpoint: at least this many, and as many as were ever leased at
    // once (the concurrency in use), up to max_idle_sized_to_use: with 16 workers and 8 kept,
    // half of them handshook again and again (issue 12: 16 to 53 handshakes per 1000 tasks).
    std::size_t max_idle_per_endpoint = 8;
    std::size_t max_idle_sized_to_use = 64;
    // Below common server keep-alive timeouts (Poco's server: 10 s), so an idle session is
    // dropped by us before the server closes it under our feet.
    std::chrono::milliseconds max_idle_age{5000};
    std::size_t max_endpoints = 64;
};

// An HTTPS session whose TCP connect can be done on its own (Poco's is protected), so the TLS
// handshake that follows can be bounded in wall time by the caller.
class PooledSession : public Poco::Net::HTTPSClientSession {
  public:
    using HTTPSClientSession::HTTPSClientSession;
    // Connects (directly or through the proxy) as sendRequest would.
    void connect_now() { reconnect(); }
    // Closes the connection if sendRequest would (kept idle too long), so that the next connect
    // is the caller's, bounded, not one sendRequest makes on its own.
    void close_if_stale() {
        if (connected() && mustReconnect()) {
            close();
        }
    }
};

class SessionPool {
  public:
    using Session = PooledSession;

    // One attempt's hold on a session. Discards the session on destruction unless keep() was
    // called after a clean, fully drained exchange.
    class Lease {
      public:
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        Session& session() { return *session_; }
        bool reused() const { return reused_; }
        void keep() { keep_ = true; }

      private:
        friend class SessionPool;
        Lease(SessionPool* pool, Endpoint endpoint, std::unique_ptr<Session> session, bool reused)
            : pool_(pool),
              endpoint_(std::move(endpoint)),
              session_(std::move(session)),
              reused_(reused) {}
        SessionPool* pool_;
        Endpoint endpoint_;
        std::unique_ptr<Session> session_;
        bool reused_ = false;
        bool keep_ = false;
    };

    static SessionPool& shared();
    explicit SessionPool(SessionPoolLimits limits = {});

    // An idle healthy session for `endpoint`, or a new unconnected one. Throws Poco::Exception
    // when the endpoint's TLS context cannot be built.
    Lease checkout(const Endpoint& endpoint);

    std::size_t idle_count() const;

  private:
    struct IdleSession {
        std::unique_ptr<Session> session;
        std::chrono::steady_clock::time_point since;
    };
    // A lease ended: `session` (null when it was not kept) goes back to the idle ones.
    void release(const Endpoint& endpoint, std::unique_ptr<Session> session);

    struct Use {
        std::size_t leased = 0;       // sessions leased now
        std::size_t most_leased = 0;  // at once, ever: how many idle ones to keep
    };

    SessionPoolLimits limits_;
    mutable std::mutex mutex_;
    std::map<Endpoint, std::deque<IdleSession>> idle_;
    std::map<Endpoint, Use> use_;
};

}  // namespace digicert_dcv
