#include "session_pool.h"

#include <Poco/Net/Socket.h>
#include <Poco/Net/SocketImpl.h>
#include <poll.h>

#include <algorithm>
#include <vector>

#include "tls_context_cache.h"

namespace digicert_dcv {
namespace {

// An idle keep-alive connection should have nothing to read. If it is readable, the server
// closed it (EOF) or sent something unasked: either way it cannot carry a request.
bool looks_dropped(SessionPool::Session& session) {
    try {
        if (!session.connected()) {
            return true;
        }
        // One poll(2) on the descriptor: Poco's Socket::poll builds an epoll set for it (epoll
        // create, ctl, wait and close: four system calls per request, issue 12).
        pollfd watched{session.socket().impl()->sockfd(), POLLIN | POLLPRI, 0};
        const int ready = ::poll(&watched, 1, 0);
        return ready != 0;  // readable, hung up, in error, or poll failed
    } catch (const Poco::Exception&) {
        return true;
    }
}

}  // namespace

SessionPool::Lease::~Lease() {
    if (pool_ != nullptr && session_) {  // a moved-from lease holds none
        pool_->release(endpoint_, keep_ ? std::move(session_) : nullptr);
    }
}

SessionPool& SessionPool::shared() {
    static SessionPool pool;
    return pool;
}

SessionPool::SessionPool(SessionPoolLimits limits) : limits_(limits) {
    // The TLS contexts' cache is made before the pool, so it ends after the pool's sessions.
    (void)TlsContextCache::shared();
}

SessionPool::Lease SessionPool::checkout(const Endpoint& endpoint) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (use_.size() >= limits_.max_endpoints && use_.find(endpoint) == use_.end()) {
            for (auto it = use_.begin(); it != use_.end();) {
                it = it->second.leased == 0 ? use_.erase(it) : std::next(it);
            }
        }
        Use& use = use_[endpoint];
        ++use.leased;
        use.most_leased = std::max(use.most_leased, use.leased);
    }
    for (;;) {
        IdleSession idle;  // declared outside the lock: a discarded session closes unlocked
        {
            std::lock_guard<std::mutex> lock(mutex_);
            const auto it = idle_.find(endpoint);
            if (it == idle_.end() || it->second.empty()) {
                break;
            }
            idle = std::move(it->second.back());  // most recent: the least likely to be stale
            it->second.pop_back();
        }
        if (now - idle.since <= limits_.max_idle_age && !looks_dropped(*idle.session)) {
            return Lease(this, endpoint, std::move(idle.session), /*reused=*/true);
        }
    }
    auto session = std::make_unique<Session>(
        endpoint.host, endpoint.port, TlsContextCache::shared().context_for(endpoint.ca_file));
    session->setKeepAlive(true);
    if (!endpoint.proxy_host.empty()) {
        session->setProxy(endpoint.proxy_host, endpoint.proxy_port);
    }
    return Lease(this, endpoint, std::move(session), /*reused=*/false);
}

void SessionPool::release(const Endpoint& endpoint, std::unique_ptr<Session> session) {
    std::unique_ptr<Session> surplus;  // closed outside the lock
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t keep = limits_.max_idle_per_endpoint;
    if (const auto used = use_.find(endpoint); used != use_.end()) {
        used->second.leased -= used->second.leased > 0 ? 1 : 0;
        keep = std::max(keep, std::min(used->second.most_leased, limits_.max_idle_sized_to_use));
    }
    if (!session || !session->connected()) {
        return;
    }
    if (idle_.size() >= limits_.max_endpoints && idle_.find(endpoint) == idle_.end()) {
        for (auto it = idle_.begin(); it != idle_.end();) {
            it = it->second.empty() ? idle_.erase(it) : std::next(it);
        }
        if (idle_.size() >= limits_.max_endpoints) {
            surplus = std::move(session);
            return;
        }
    }
    auto& sessions = idle_[endpoint];
    sessions.push_back(IdleSession{std::move(session), std::chrono::steady_clock::now()});
    if (sessions.size() > keep) {
        surplus = std::move(sessions.front().session);
        sessions.pop_front();
    }
}

std::size_t SessionPool::idle_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t count = 0;
    for (const auto& entry : idle_) {
        count += entry.second.size();
    }
    return count;
}

}  // namespace digicert_dcv
