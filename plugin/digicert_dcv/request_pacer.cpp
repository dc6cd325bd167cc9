#include "request_pacer.h"

#include <Poco/DigestEngine.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace digicert_dcv {
namespace {

constexpr std::chrono::milliseconds kPollSlice{50};
// Past this many buckets, idle ones are forgotten so distinct keys cannot grow the map forever.
constexpr std::size_t kMaxBuckets = 1024;

}  // namespace

const std::vector<RateWindowLimit>& certcentral_rate_limits() {
    static const std::vector<RateWindowLimit> limits = {
        {100, std::chrono::seconds(5)},
        {1000, std::chrono::seconds(180)},
    };
    return limits;
}

std::string pacing_bucket_for_key(std::string_view api_key) {
    // OpenSSL's one-shot digest: its SHA-256 state, which holds the key's last bytes, is wiped
    // when freed. Poco's SHA2Engine freed its heap context as it was, a copy of the key's tail
    // left in freed memory on every task (found with a free() interposer once the spec's parse
    // no longer made any, spec_key_blanking.h).
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(api_key.data(), api_key.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 is not available from OpenSSL");
    }
    const Poco::DigestEngine::Digest bytes(digest, digest + size);  // the hash: no secret
    return "api_key:" + Poco::DigestEngine::digestToHex(bytes).substr(0, 16);
}

RollingWindowLimiter::RollingWindowLimiter(std::vector<RateWindowLimit> windows)
    : windows_(std::move(windows)) {
    for (const RateWindowLimit& window : windows_) {
        longest_ = std::max(longest_, window.per);
    }
}

std::chrono::steady_clock::duration RollingWindowLimiter::wait_before_next(TimePoint now) const {
    std::chrono::steady_clock::duration wait =
        std::max(held_until_ - now, std::chrono::steady_clock::duration::zero());
    for (const RateWindowLimit& window : windows_) {
        const auto limit = static_cast<std::size_t>(window.requests);
        if (limit == 0 || sent_.size() < limit) {
            continue;
        }
        // The window is full while the limit-th most recent request is still inside it.
        const TimePoint frees_at = sent_[sent_.size() - limit] + window.per;
        wait = std::max(wait, frees_at - now);
    }
    return wait;
}

void RollingWindowLimiter::record(TimePoint now) {
    sent_.push_back(now);
    while (!sent_.empty() && sent_.front() + longest_ <= now) {
        sent_.pop_front();
    }
}

void RollingWindowLimiter::hold_until(TimePoint until) {
    held_until_ = std::max(held_until_, until);
}

bool RollingWindowLimiter::idle(TimePoint now) const {
    return held_until_ <= now && (sent_.empty() || sent_.back() + longest_ <= now);
}

RequestPacer& RequestPacer::shared() {
    static RequestPacer pacer(
        certcentral_rate_limits(),
        Clock{[] { return std::chrono::steady_clock::now(); },
              [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }});
    return pacer;
}

RequestPacer::RequestPacer(std::vector<RateWindowLimit> windows, Clock clock)
    : windows_(std::move(windows)), clock_(std::move(clock)) {}

RollingWindowLimiter& RequestPacer::limiter_for(const std::string& bucket) {
    auto it = buckets_.find(bucket);
    if (it != buckets_.end()) {
        return it->second;
    }
    if (buckets_.size() >= kMaxBuckets) {
        const TimePoint now = clock_.now();
        for (auto b = buckets_.begin(); b != buckets_.end();) {
            b = b->second.idle(now) ? buckets_.erase(b) : std::next(b);
        }
    }
    return buckets_.emplace(bucket, RollingWindowLimiter(windows_)).first->second;
}

RequestPacer::Turn RequestPacer::acquire(const std::string& bucket,
                                         const std::function<bool()>& cancelled,
                                         TimePoint deadline) {
    for (;;) {
        std::chrono::steady_clock::duration wait;
        TimePoint now;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            now = clock_.now();
            RollingWindowLimiter& limiter = limiter_for(bucket);
            wait = limiter.wait_before_next(now);
            if (wait <= std::chrono::steady_clock::duration::zero()) {
                limiter.record(now);
                return Turn::kGo;
            }
        }
        if (now + wait > deadline) {
            return Turn::kOutOfTime;
        }
        // Another task may take the slot meanwhile: sleep a slice, then look again.
        const auto slice = std::min(kPollSlice, std::chrono::ceil<std::chrono::milliseconds>(wait));
        clock_.sleep(slice);
        if (cancelled && cancelled()) {
            return Turn::kCancelled;
        }
    }
}

void RequestPacer::throttled(const std::string& bucket, std::chrono::milliseconds hold) {
    std::lock_guard<std::mutex> lock(mutex_);
    limiter_for(bucket).hold_until(clock_.now() + hold);
}

}  // namespace digicert_dcv
