#include "plugins/elf_check.h"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

namespace taskhost {
namespace {

// The ELF flavour this very binary is: its word size, byte order and machine.
#if UINTPTR_MAX == UINT64_MAX
using Ehdr = Elf64_Ehdr;
using Phdr = Elf64_Phdr;
using Shdr = Elf64_Shdr;
constexpr unsigned char kHostClass = ELFCLASS64;
#else
using Ehdr = Elf32_Ehdr;
using Phdr = Elf32_Phdr;
using Shdr = Elf32_Shdr;
constexpr unsigned char kHostClass = ELFCLASS32;
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2MSB;
#else
constexpr unsigned char kHostData = ELFDATA2LSB;
#endif

#if defined(__x86_64__)
constexpr unsigned kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kHostMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr unsigned kHostMachine = EM_386;
#elif defined(__arm__)
constexpr unsigned kHostMachine = EM_ARM;
#elif defined(__riscv)
constexpr unsigned kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr unsigned kHostMachine = EM_PPC64;
#elif defined(__s390x__)
constexpr unsigned kHostMachine = EM_S390;
#else
#error "taskhost: add this machine's EM_ value to host/plugins/elf_check.cpp"
#endif

const char* const kReinstall =
    "reinstall the plugin completely: copy it to a hidden name (.name.so.tmp) in the plugin "
    "directory first, then rename it into place";
const char* const kBuildShared = "build the plugin as a shared library (-shared -fPIC)";

// Reads exactly `size` bytes at `offset` into `out`; false when they could not all be read.
using ReadAt = std::function<bool(uint64_t offset, void* out, size_t size)>;

std::string machine_name(unsigned machine) {
    switch (machine) {
        case EM_X86_64:
            return "x86-64";
        case EM_AARCH64:
            return "arm64 (AArch64)";
        case EM_386:
            return "32-bit x86 (i386)";
        case EM_ARM:
            return "32-bit ARM";
        case EM_RISCV:
            return "RISC-V";
        case EM_PPC64:
            return "64-bit PowerPC";
        case EM_S390:
            return "s390";
        default:
            return "machine number " + std::to_string(machine);
    }
}

std::string word_size(unsigned char elf_class) {
    return elf_class == ELFCLASS64   ? "64-bit"
           : elf_class == ELFCLASS32 ? "32-bit"
                                     : "unknown-class";
}

std::string byte_order(unsigned char elf_data) {
    return elf_data == ELFDATA2LSB   ? "little-endian"
           : elf_data == ELFDATA2MSB ? "big-endian"
                                     : "unknown-order";
}

std::string use_host_build() {
    return "install the plugin's " + word_size(kHostClass) + " " + machine_name(kHostMachine) +
           " build";
}

// Overflow-safe: [offset, offset + length) lies within a file of `size` bytes.
bool within(uint64_t offset, uint64_t length, uint64_t size) {
    return offset <= size && length <= size - offset;
}

ElfRefusal past_end(const std::string& part, uint64_t offset, uint64_t length, uint64_t size) {
    const std::string end =
        length > UINT64_MAX - offset ? "beyond 2^64" : std::to_string(offset + length);
    return ElfRefusal{"is truncated or corrupt: its " + part + " ends at byte " + end +
                          ", past the end of the file (" + std::to_string(size) + " bytes)",
                      kReinstall};
}

ElfRefusal corrupt(const std::string& what) {
    return ElfRefusal{"is not a well-formed ELF file: " + what, kReinstall};
}

ElfRefusal unreadable() {
    return ElfRefusal{"could not be read completely while its ELF headers were checked",
                      "check the file is not being changed, then try again"};
}

std::optional<ElfRefusal> check_ident(const unsigned char* ident) {
    if (ident[EI_CLASS] != kHostClass) {
        return ElfRefusal{"is a " + word_size(ident[EI_CLASS]) + " ELF file; this taskhost is " +
                              word_size(kHostClass),
                          use_host_build()};
    }
    if (ident[EI_DATA] != kHostData) {
        return ElfRefusal{"is a " + byte_order(ident[EI_DATA]) + " ELF file; this machine is " +
                              byte_order(kHostData),
                          use_host_build()};
    }
    if (ident[EI_VERSION] != EV_CURRENT) {
        return corrupt("its ELF version is " + std::to_string(ident[EI_VERSION]) +
                       ", expected 1 (EV_CURRENT)");
    }
    return std::nullopt;
}

std::optional<ElfRefusal> check_type_and_machine(const Ehdr& header) {
    if (header.e_type != ET_DYN) {
        const std::string kind = header.e_type == ET_EXEC  ? "an executable (ET_EXEC)"
                                 : header.e_type == ET_REL ? "an object file (ET_REL)"
                                 : header.e_type == ET_CORE
                                     ? "a core dump (ET_CORE)"
                                     : "of ELF type " + std::to_string(header.e_type);
        return ElfRefusal{"is " + kind + ", not a shared library (ET_DYN)", kBuildShared};
    }
    if (header.e_machine != kHostMachine) {
        return ElfRefusal{"is built for " + machine_name(header.e_machine) + "; this machine is " +
                              machine_name(kHostMachine),
                          use_host_build()};
    }
    if (header.e_version != EV_CURRENT) {
        return corrupt("its ELF version is " + std::to_string(header.e_version) +
                       ", expected 1 (EV_CURRENT)");
    }
    return std::nullopt;
}

std::optional<ElfRefusal> check_entry_sizes(const Ehdr& header) {
    if (header.e_ehsize != sizeof(Ehdr)) {
        return corrupt("its ELF header size is " + std::to_string(header.e_ehsize) +
                       " bytes, expected " + std::to_string(sizeof(Ehdr)));
    }
    if (header.e_phentsize != sizeof(Phdr)) {
        return corrupt("its program header size is " + std::to_string(header.e_phentsize) +
                       " bytes, expected " + std::to_string(sizeof(Phdr)));
    }
    if (header.e_shoff != 0 && header.e_shentsize != sizeof(Shdr)) {
        return corrupt("its section header size is " + std::to_string(header.e_shentsize) +
                       " bytes, expected " + std::to_string(sizeof(Shdr)));
    }
    if (header.e_phoff == 0 || header.e_phnum == 0 || header.e_phnum == PN_XNUM) {
        return corrupt("it has no usable program header table (" + std::to_string(header.e_phnum) +
                       " entries)");
    }
    return std::nullopt;
}

// The section header table, when there is one, lies within the file. Its entry count is in
// section 0 when e_shnum is 0 (more than 0xff00 sections).
std::optional<ElfRefusal> check_section_table(const Ehdr& header, uint64_t size,
                                              const ReadAt& read) {
    if (header.e_shoff == 0) {
        return std::nullopt;
    }
    uint64_t count = header.e_shnum;
    if (count == 0) {
        if (!within(header.e_shoff, sizeof(Shdr), size)) {
            return past_end("section header table", header.e_shoff, sizeof(Shdr), size);
        }
        Shdr first{};
        if (!read(header.e_shoff, &first, sizeof first)) {
            return unreadable();
        }
        count = first.sh_size;
    }
    if (count > size / sizeof(Shdr) || !within(header.e_shoff, count * sizeof(Shdr), size)) {
        const uint64_t length =
            count > UINT64_MAX / sizeof(Shdr) ? UINT64_MAX : count * sizeof(Shdr);
        return past_end("section header table", header.e_shoff, length, size);
    }
    return std::nullopt;
}

// Every loadable segment and the dynamic section lie within the file: dlopen maps them as
// they are, and a page past the end of the file is a SIGBUS on first touch.
std::optional<ElfRefusal> check_segments(const std::vector<Phdr>& segments, uint64_t size) {
    size_t loads = 0;
    bool dynamic = false;
    for (size_t i = 0; i < segments.size(); ++i) {
        const Phdr& segment = segments[i];
        if (segment.p_type != PT_LOAD && segment.p_type != PT_DYNAMIC) {
            continue;
        }
        const std::string part = segment.p_type == PT_LOAD
                                     ? "loadable segment (program header " + std::to_string(i) + ")"
                                     : "dynamic section (PT_DYNAMIC)";
        if (!within(segment.p_offset, segment.p_filesz, size)) {
            return past_end(part, segment.p_offset, segment.p_filesz, size);
        }
        loads += segment.p_type == PT_LOAD ? 1 : 0;
        dynamic = dynamic || segment.p_type == PT_DYNAMIC;
    }
    if (loads == 0) {
        return corrupt("it has no loadable segment (PT_LOAD)");
    }
    if (!dynamic) {
        return ElfRefusal{"has no dynamic section (PT_DYNAMIC), so it is not a shared library",
                          kBuildShared};
    }
    return std::nullopt;
}

std::optional<ElfRefusal> check_elf(uint64_t size, const ReadAt& read) {
    if (size == 0) {
        return ElfRefusal{"is empty (0 bytes)", kReinstall};
    }
    unsigned char ident[EI_NIDENT] = {};
    const size_t have = static_cast<size_t>(std::min<uint64_t>(size, EI_NIDENT));
    if (!read(0, ident, have)) {
        return unreadable();
    }
    if (have < SELFMAG || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
        return ElfRefusal{"is not an ELF file (it does not start with \\x7fELF)",
                          "put only plugin shared libraries (*.so) in the plugin directory"};
    }
    if (size < sizeof(Ehdr)) {
        return ElfRefusal{"is truncated: " + std::to_string(size) +
                              " bytes, shorter than an ELF header (" +
                              std::to_string(sizeof(Ehdr)) + " bytes)",
                          kReinstall};
    }
    Ehdr header{};
    if (!read(0, &header, sizeof header)) {
        return unreadable();
    }
    if (std::optional<ElfRefusal> bad = check_ident(header.e_ident)) {
        return bad;
    }
    if (std::optional<ElfRefusal> bad = check_type_and_machine(header)) {
        return bad;
    }
    if (std::optional<ElfRefusal> bad = check_entry_sizes(header)) {
        return bad;
    }
    if (std::optional<ElfRefusal> bad = check_section_table(header, size, read)) {
        return bad;
    }
    const uint64_t table = uint64_t{header.e_phnum} * sizeof(Phdr);
    if (!within(header.e_phoff, table, size)) {
        return past_end("program header table", header.e_phoff, table, size);
    }
    std::vector<Phdr> segments(header.e_phnum);
    if (!read(header.e_phoff, segments.data(), static_cast<size_t>(table))) {
        return unreadable();
    }
    return check_segments(segments, size);
}

bool pread_all(int fd, uint64_t offset, void* out, size_t size) {
    char* at = static_cast<char*>(out);
    while (size > 0) {
        const ssize_t got = ::pread(fd, at, size, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return false;
        }
        at += got;
        offset += static_cast<uint64_t>(got);
        size -= static_cast<size_t>(got);
    }
    return true;
}

}  // namespace

std::optional<ElfRefusal> check_elf_shared_object(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        return ElfRefusal{std::string("cannot be examined: ") + std::strerror(err),
                          "check the file"};
    }
    if (!S_ISREG(st.st_mode)) {
        return ElfRefusal{"is not a regular file", "install the plugin as a file"};
    }
    return check_elf(
        static_cast<uint64_t>(st.st_size),
        [fd](uint64_t offset, void* out, size_t size) { return pread_all(fd, offset, out, size); });
}

std::optional<ElfRefusal> check_elf_shared_object(const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    return check_elf(size, [bytes, size](uint64_t offset, void* out, size_t length) {
        if (!within(offset, length, size)) {
            return false;
        }
        std::memcpy(out, bytes + offset, length);
        return true;
    });
}

std::string host_elf_machine_name() {
    return machine_name(kHostMachine);
}

}  // namespace taskhost
