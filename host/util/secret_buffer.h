// Memory for secrets (an account's API key, the task spec that carries it into the plugin) that
// a core dump leaves out: whole pages from mmap, marked MADV_DONTDUMP, locked in RAM when the
// process may (best effort, so the key is not swapped out), filled once (it never grows, so no
// reallocation leaves a copy behind), and wiped and unmapped when released. One mapping per
// buffer, never per request; a buffer that is filled again and again (the task spec of one
// worker thread, tasks/plugin_spec.h) is wiped by clear() between uses and keeps its pages, so
// that a run does not map, lock and unmap (a TLB shootdown across its threads) once per task.
#pragma once

#include <cstddef>
#include <string_view>

namespace taskhost {

// Overwrites `size` bytes at `data` in a way the optimiser keeps.
void wipe_memory(void* data, std::size_t size);

class SecretBuffer {
  public:
    SecretBuffer() = default;  // empty; maps nothing
    // Room for `capacity` bytes (and a NUL after them). Throws std::bad_alloc when mmap fails.
    explicit SecretBuffer(std::size_t capacity);
    explicit SecretBuffer(std::string_view text) : SecretBuffer(text.size()) { append(text); }
    ~SecretBuffer() { release(); }
    SecretBuffer(SecretBuffer&& other) noexcept;
    SecretBuffer& operator=(SecretBuffer&& other) noexcept;
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;

    // Throws std::length_error past the capacity.
    SecretBuffer& append(std::string_view text);
    SecretBuffer& append(char c) { return append(std::string_view(&c, 1)); }
    // Wipes every byte of the pages and empties the buffer; the pages stay mapped and locked
    // for the next fill.
    void clear() noexcept;

    // The buffer's own pages, to fill in place (read(2) into them); capacity() bytes.
    char* data() { return data_; }
    std::string_view view() const { return {data_ == nullptr ? "" : data_, size_}; }
    const char* c_str() const { return data_ == nullptr ? "" : data_; }  // NUL-terminated
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }
    // Whether the pages are excluded from core dumps (MADV_DONTDUMP was accepted).
    bool excluded_from_dumps() const { return dont_dump_; }

  private:
    void release() noexcept;

    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    std::size_t mapped_ = 0;
    bool dont_dump_ = false;
};

}  // namespace taskhost
