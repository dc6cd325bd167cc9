// Is a plugin file a complete, well-formed ELF shared object for this machine? Asked before
// dlopen, because dlopen maps the file's segments as they are: a file cut short (a copy still
// under way, a full disk) maps pages past its end and the first touch of one kills the process
// with SIGBUS. The answer comes from the ELF header, the program headers and the extent of the
// section header table, read with pread (never mmap), so a bad file is only ever read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace taskhost {

struct ElfRefusal {
    std::string problem;  // what is wrong, e.g. "is truncated: ..."; reads after the file's name
    std::string fix;      // what the user does about it
};

// Absent: `fd` holds a complete ELF shared object for this machine. Reads with pread from
// offset 0 up to the size fstat gives; the file offset of `fd` is left alone.
std::optional<ElfRefusal> check_elf_shared_object(int fd);

// The same check on bytes already in memory.
std::optional<ElfRefusal> check_elf_shared_object(const void* data, size_t size);

// This machine, as the ELF header names it (e.g. "x86-64"); what every plugin must be built for.
std::string host_elf_machine_name();

}  // namespace taskhost
