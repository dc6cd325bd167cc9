#include "secret_string.h"

#include <cstdlib>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace digicert_dcv {

void wipe_bytes(void* data, std::size_t size) {
    if (data != nullptr && size > 0) {
        ::explicit_bzero(data, size);
    }
}

void scrub_freed_blocks(std::size_t size, std::size_t count) {
    constexpr std::size_t kMaxBlocks = 16;
    void* blocks[kMaxBlocks] = {};
    count = count < kMaxBlocks ? count : kMaxBlocks;
    for (std::size_t i = 0; i < count; ++i) {
        blocks[i] = std::malloc(size);
        wipe_bytes(blocks[i], size);
    }
    for (std::size_t i = 0; i < count; ++i) {
        std::free(blocks[i]);
    }
}

void scrub_thread_cache() {
    // glibc's defaults (tunables glibc.malloc.tcache_count and tcache_max): 7 chunks per size
    // class, user sizes up to 1032 bytes in steps of 16. One more per class reaches the chunk
    // that the next allocation would take from the arena's own lists.
    constexpr std::size_t kCachedPerClass = 7 + 1;
    constexpr std::size_t kSmallest = 24;
    constexpr std::size_t kLargest = 1032;
    for (std::size_t size = kSmallest; size <= kLargest; size += 16) {
        scrub_freed_blocks(size, kCachedPerClass);
    }
}

SecretString::SecretString(std::string_view text) {
    *this = with_capacity(text.size());
    append(text);
}

SecretString SecretString::with_capacity(std::size_t capacity) {
    SecretString out;
    if (capacity > 0) {
        out.data_ = new char[capacity];
        out.capacity_ = capacity;
    }
    return out;
}

SecretString& SecretString::operator=(const SecretString& other) {
    if (this != &other) {
        *this = SecretString(other.view());
    }
    return *this;
}

SecretString::SecretString(SecretString&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecretString& SecretString::operator=(SecretString&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

SecretString& SecretString::append(std::string_view text) {
    if (text.size() > capacity_ - size_) {
        throw std::length_error("SecretString: appending past the capacity it was made with");
    }
    if (!text.empty()) {
        std::memcpy(data_ + size_, text.data(), text.size());
        size_ += text.size();
    }
    return *this;
}

void SecretString::release() noexcept {
    wipe_bytes(data_, capacity_);
    delete[] data_;
    data_ = nullptr;
    size_ = 0;
    capacity_ = 0;
}

}  // namespace digicert_dcv
