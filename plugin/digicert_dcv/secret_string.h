// The API key's bytes, owned by the plugin: one heap block of a size fixed when it is made
// (it never grows, so no reallocation leaves a copy behind, and there is no small-string buffer
// inside the object), wiped with explicit_bzero when released. Copies are made only where a
// second owner needs one (the outcome keeps its request), and each is wiped the same way.
#pragma once

#include <cstddef>
#include <string_view>

namespace digicert_dcv {

// Overwrites `size` bytes at `data` in a way the optimiser keeps.
void wipe_bytes(void* data, std::size_t size);

// Takes back and wipes the `count` most recently freed heap blocks of `size` bytes' size class
// (glibc hands them out again last-in first-out), then frees them. For copies this code cannot
// reach: the parser's own temporary strings of a token, freed unwiped before the token is read.
// Best effort: it only reaches blocks still at the top of the allocator's lists.
void scrub_freed_blocks(std::size_t size, std::size_t count = 16);

// Wipes every chunk this thread's glibc cache holds (tcache: the last few freed chunks of each
// size up to about 1 KiB, which are handed out again last and so can keep their bytes for
// long). Called at the end of a task whose key Poco's JSON parser read (spec_key_blanking.h
// could not take it out first), when every copy the parser made (its token buffer, its parse
// temporaries) is freed: DaemonKeyMemory found such copies in cached chunks in 1 run of 17, and
// in none of 30 with glibc's cache turned off. About 500 allocations and 270 KB of wiping, 9% of
// an apply's CPU when it ran after every task.
void scrub_thread_cache();

class SecretString {
  public:
    SecretString() = default;
    explicit SecretString(std::string_view text);
    // Empty, with room for `capacity` bytes: fill it with append().
    static SecretString with_capacity(std::size_t capacity);

    SecretString(const SecretString& other) : SecretString(other.view()) {}
    SecretString& operator=(const SecretString& other);
    SecretString(SecretString&& other) noexcept;
    SecretString& operator=(SecretString&& other) noexcept;
    ~SecretString() { release(); }

    // Throws std::length_error past the capacity: a SecretString never grows.
    SecretString& append(std::string_view text);

    std::string_view view() const { return {data_, size_}; }
    // Implicit, so that hashing (the pacing bucket) and redaction read the bytes in place.
    operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
    const char* data() const { return data_; }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }

    friend bool operator==(const SecretString& a, std::string_view b) { return a.view() == b; }
    friend bool operator!=(const SecretString& a, std::string_view b) { return a.view() != b; }

  private:
    void release() noexcept;  // wipes and frees the block

    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace digicert_dcv
