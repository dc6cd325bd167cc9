#include "util/secret_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace taskhost {

void wipe_memory(void* data, std::size_t size) {
    if (data != nullptr && size > 0) {
        ::explicit_bzero(data, size);
    }
}

SecretBuffer::SecretBuffer(std::size_t capacity) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t length = (capacity + 1 + page - 1) / page * page;  // + 1: the NUL
    void* pages =
        ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) {
        throw std::bad_alloc();
    }
    data_ = static_cast<char*>(pages);
    mapped_ = length;
    capacity_ = capacity;
    dont_dump_ = ::madvise(pages, length, MADV_DONTDUMP) == 0;
    (void)::mlock(pages, length);  // best effort: RLIMIT_MEMLOCK may say no; munmap unlocks
    data_[0] = '\0';
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapped_(std::exchange(other.mapped_, 0)),
      dont_dump_(std::exchange(other.dont_dump_, false)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
        mapped_ = std::exchange(other.mapped_, 0);
        dont_dump_ = std::exchange(other.dont_dump_, false);
    }
    return *this;
}

SecretBuffer& SecretBuffer::append(std::string_view text) {
    if (text.size() > capacity_ - size_) {
        throw std::length_error("SecretBuffer: appending past the capacity it was made with");
    }
    if (!text.empty()) {
        std::memcpy(data_ + size_, text.data(), text.size());
        size_ += text.size();
        data_[size_] = '\0';
    }
    return *this;
}

void SecretBuffer::clear() noexcept {
    if (data_ != nullptr) {
        wipe_memory(data_, mapped_);
    }
    size_ = 0;
}

void SecretBuffer::release() noexcept {
    if (data_ != nullptr) {
        wipe_memory(data_, mapped_);
        ::munmap(data_, mapped_);
    }
    data_ = nullptr;
    size_ = 0;
    capacity_ = 0;
    mapped_ = 0;
    dont_dump_ = false;
}

}  // namespace taskhost
