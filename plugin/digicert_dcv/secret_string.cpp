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

void scrub_freed_blocks(std::size_t size) {
    constexpr std::size_t kBlocks = 16;
    void* blocks[kBlocks] = {};
    for (void*& block : blocks) {
        block = std::malloc(size);
        wipe_bytes(block, size);
    }
    for (void* block : blocks) {
        std::free(block);
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
