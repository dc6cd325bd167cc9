// The ELF check a plugin file passes before dlopen (issue 9): any bytes give ok or a refusal,
// never a crash or a read outside them; the bytes and the descriptor paths agree.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "plugins/elf_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto by_bytes = taskhost::check_elf_shared_object(data, size);
    const int fd = ::memfd_create("fuzz_elf_check", MFD_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(fd, data + written, size - written);
        if (n <= 0) {
            ::close(fd);
            return 0;
        }
        written += static_cast<size_t>(n);
    }
    const auto by_fd = taskhost::check_elf_shared_object(fd);
    ::close(fd);
    if (by_bytes.has_value() != by_fd.has_value()) {
        std::abort();  // the two ways to ask must give one answer
    }
    return 0;
}
