#include "plugins/plugin_library.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include "plugins/elf_check.h"
#include "plugins/private_dir_mount.h"
#include "util/file_trust.h"
#include "util/sha256.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

static_assert(std::is_same<decltype(&plugin_describe), taskhost_plugin_describe_fn>::value,
              "describe signature drifted from the ABI header");
static_assert(std::is_same<decltype(&plugin_execute), taskhost_plugin_execute_fn>::value,
              "execute signature drifted from the ABI header");

constexpr off_t kMaxPluginBytes = 256 * 1024 * 1024;
const std::string kWhat = "plugin file";

class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(Descriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    ~Descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    Descriptor& operator=(Descriptor&&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t wrote = ::write(fd, data, size);
        if (wrote < 0 && errno == EINTR) {
            continue;
        }
        if (wrote <= 0) {
            return false;
        }
        data += wrote;
        size -= static_cast<size_t>(wrote);
    }
    return true;
}

bool read_some(int fd, char* buffer, size_t size, ssize_t& got) {
    do {
        got = ::read(fd, buffer, size);
    } while (got < 0 && errno == EINTR);
    return got >= 0;
}

std::string dl_error() {
    const char* text = ::dlerror();
    return text != nullptr ? text : "no reason given";
}

std::string file_kind(mode_t mode) {
    return S_ISFIFO(mode)   ? "a FIFO (named pipe)"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISDIR(mode)  ? "a directory"
                            : "of no known kind";
}

HostError not_a_regular_file(const std::string& path, const struct stat& st) {
    return HostError{kWhat + " " + path, "is " + file_kind(st.st_mode) + ", not a regular file",
                     "install the plugin as a regular file, or remove " + path};
}

// The plugin file opened for reading, once it and the directory it really lives in are trusted.
struct OpenedPlugin {
    fs::path real;
    Descriptor source;
};

Result<OpenedPlugin> open_trusted(const std::string& path) {
    // The directory the file really lives in must be trusted too: whoever can write it can
    // swap the file between our check and our copy.
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) {
        return HostError{kWhat + " " + path, "cannot be resolved: " + ec.message(),
                         "check the file exists"};
    }
    if (Check bad = check_trusted_directory(real.parent_path().string(), "plugin directory")) {
        return *bad;
    }
    // A FIFO, socket or device is refused unopened, and O_NONBLOCK keeps one swapped in
    // meanwhile from blocking open() (a FIFO with no writer blocks it forever).
    struct stat st {};
    if (::stat(real.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        return not_a_regular_file(path, st);
    }
    Descriptor source(::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (source.get() < 0) {
        const int err = errno;
        return HostError{kWhat + " " + path, std::string("cannot be opened: ") + std::strerror(err),
                         "check its permissions"};
    }
    if (::fstat(source.get(), &st) != 0) {
        st.st_mode = 0;  // of no known kind: refused below
    }
    if (!S_ISREG(st.st_mode)) {
        return not_a_regular_file(path, st);
    }
    ::fcntl(source.get(), F_SETFL, ::fcntl(source.get(), F_GETFL) & ~O_NONBLOCK);
    if (Check bad = check_trusted_code_path(st, path, kWhat)) {
        return *bad;
    }
    if (st.st_size > kMaxPluginBytes) {
        return HostError{kWhat + " " + path, "is larger than 256 MiB",
                         "check it is really a plugin"};
    }
    return OpenedPlugin{std::move(real), std::move(source)};
}

// A changed file up to this size is kept in memory from the read that hashed it and copied from
// there: one read and one hash per changed file instead of two (issue 12's reload).
constexpr size_t kKeptBytes = 32 * 1024 * 1024;

// true: `fd` holds exactly the bytes `current` was loaded from. false: other bytes, in `kept`
// with their sha256 in `kept_sha256` when they fit kKeptBytes, else `kept` is empty and `fd` is
// back at its start for the copy.
Result<bool> holds_bytes_of(int fd, const std::string& path, const PluginGeneration& current,
                            std::string& kept, std::string& kept_sha256) {
    Sha256 sha;
    char buffer[65536];
    ssize_t got = 0;
    bool keep = true;
    while (read_some(fd, buffer, sizeof buffer, got) && got > 0) {
        sha.update(buffer, static_cast<size_t>(got));
        keep = keep && kept.size() + static_cast<size_t>(got) <= kKeptBytes;
        if (keep) {
            kept.append(buffer, static_cast<size_t>(got));
        }
    }
    if (got < 0) {
        const int err = errno;
        return HostError{kWhat + " " + path, std::string("cannot be read: ") + std::strerror(err),
                         "check its permissions"};
    }
    const std::string digest = sha.hex_digest();
    if (digest == current.sha256()) {
        kept.clear();
        return true;
    }
    if (keep) {
        kept_sha256 = digest;
        return false;
    }
    kept.clear();
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        const int err = errno;
        return HostError{kWhat + " " + path,
                         std::string("cannot be re-read: ") + std::strerror(err), "check the file"};
    }
    return false;
}

// Copies what is left on `source` (the descriptor that was checked, so the bytes loaded are the
// bytes judged), or the bytes already read from it (`kept`, whose sha256 is `kept_sha256`), to
// the new file `copy`, and checks the copy is a complete ELF shared object for this machine:
// these very bytes are what dlopen maps. Answers the sha256 of the bytes copied.
Result<std::string> copy_privately(int source, const std::string& copy, const std::string& path,
                                   const std::string& kept, const std::string& kept_sha256) {
    Sha256 sha;
    Descriptor target(::open(copy.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0700));
    if (target.get() < 0) {
        const int err = errno;
        return HostError{"private copy " + copy,
                         std::string("cannot be created: ") + std::strerror(err), "check TMPDIR"};
    }
    const auto copy_failed = [&](int err) {
        ::unlink(copy.c_str());
        return HostError{kWhat + " " + path, std::string("cannot be copied: ") + std::strerror(err),
                         "check free space in TMPDIR"};
    };
    char buffer[65536];
    if (!kept_sha256.empty()) {
        if (!write_all(target.get(), kept.data(), kept.size())) {
            return copy_failed(errno);
        }
    }
    while (kept_sha256.empty()) {
        const ssize_t got = ::read(source, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0 || !write_all(target.get(), buffer, static_cast<size_t>(got > 0 ? got : 0))) {
            return copy_failed(errno);
        }
        if (got == 0) {
            break;
        }
        sha.update(buffer, static_cast<size_t>(got));
    }
    if (std::optional<ElfRefusal> bad = check_elf_shared_object(target.get())) {
        ::unlink(copy.c_str());
        return HostError{kWhat + " " + path, bad->problem, bad->fix};
    }
    return kept_sha256.empty() ? sha.hex_digest() : kept_sha256;
}

// dlopen of the private copy, which is removed at once: the mapping stays, and nothing can
// reach the copy any more.
Result<void*> open_copy(const std::string& copy, const std::string& path) {
    ::dlerror();
    void* handle = ::dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
    const std::string open_error = handle == nullptr ? dl_error() : "";
    ::unlink(copy.c_str());
    if (handle == nullptr) {
        return HostError{
            kWhat + " " + path, "cannot be loaded: " + open_error,
            "check it is a plugin built for this system (and its dependencies are installed)"};
    }
    return handle;
}

struct EntryPoints {
    taskhost_plugin_execute_fn execute = nullptr;
    PluginDescription description;
};

// Both ABI symbols, and what describe answers, checked against our ABI version.
Result<EntryPoints> resolve_entry_points(void* handle, const std::string& path) {
    ::dlerror();
    void* describe_symbol = ::dlsym(handle, "plugin_describe");
    if (describe_symbol == nullptr) {
        return HostError{kWhat + " " + path, "does not export plugin_describe (" + dl_error() + ")",
                         "export both plugin_describe and plugin_execute (see taskhost/plugin.h)"};
    }
    ::dlerror();
    void* execute_symbol = ::dlsym(handle, "plugin_execute");
    if (execute_symbol == nullptr) {
        return HostError{kWhat + " " + path, "does not export plugin_execute (" + dl_error() + ")",
                         "export both plugin_describe and plugin_execute (see taskhost/plugin.h)"};
    }
    const auto describe = reinterpret_cast<taskhost_plugin_describe_fn>(describe_symbol);
    Result<PluginDescription> description =
        parse_plugin_description(describe(), TASKHOST_ABI_VERSION, kWhat + " " + path);
    if (!description.ok()) {
        return description.error();
    }
    return EntryPoints{reinterpret_cast<taskhost_plugin_execute_fn>(execute_symbol),
                       std::move(description.value())};
}

}  // namespace

// The probe's verdict on the private copy, before this process maps it. The describe JSON the
// probe got must pass the checks (JSON, ABI) that this process's own describe passes later.
Check PluginLibrary::probe_copy(const std::string& copy, const std::string& path,
                                const std::string& copy_sha256) {
    Result<std::string> described =
        probe_plugin_cached(copy, path, copy_sha256, probe_, last_probe_time_);
    if (!described.ok()) {
        ::unlink(copy.c_str());
        return described.error();
    }
    Result<PluginDescription> description = parse_plugin_description(
        described.value().c_str(), TASKHOST_ABI_VERSION, kWhat + " " + path);
    if (!description.ok()) {
        ::unlink(copy.c_str());
        return description.error();
    }
    return std::nullopt;
}

PluginGeneration::~PluginGeneration() {
    if (handle_ != nullptr && unload_) {
        ::dlclose(handle_);
    }
}

int PluginGeneration::execute(const char* task_json, const taskhost_host* host) const {
    return execute_(task_json, host);
}

PluginLibrary::~PluginLibrary() {
    if (!private_dir_.empty()) {
        ::rmdir(private_dir_.c_str());
    }
}

Result<std::string> PluginLibrary::ensure_private_dir() {
    if (!private_dir_.empty()) {
        return private_dir_;
    }
    const char* tmpdir = std::getenv("TMPDIR");
    std::string base = (tmpdir != nullptr && *tmpdir == '/') ? tmpdir : "/tmp";
    std::string pattern = base + "/taskhost-plugins-XXXXXX";
    if (::mkdtemp(&pattern[0]) == nullptr) {
        const int err = errno;
        return HostError{"private plugin directory under " + base,
                         std::string("cannot be created: ") + std::strerror(err),
                         "set TMPDIR to a writable directory"};
    }
    ::chmod(pattern.c_str(), 0700);  // mkdtemp already does; umask cannot widen it, but be explicit
    private_dir_ = pattern;
    return private_dir_;
}

Result<std::shared_ptr<const PluginGeneration>> PluginLibrary::load(
    const std::string& path, std::shared_ptr<const PluginGeneration> current) {
    Result<OpenedPlugin> opened = open_trusted(path);
    if (!opened.ok()) {
        return opened.error();
    }
    const int source = opened.value().source.get();
    std::string kept, kept_sha256;  // a changed file's bytes, read once
    if (current != nullptr) {
        Result<bool> unchanged = holds_bytes_of(source, path, *current, kept, kept_sha256);
        if (!unchanged.ok()) {
            return unchanged.error();
        }
        if (unchanged.value()) {
            return current;
        }
    }

    Result<std::string> dir = ensure_private_dir();
    if (!dir.ok()) {
        return dir.error();
    }
    // A noexec mount would refuse every load with the loader's "failed to map segment".
    if (Check noexec = check_private_dir_executable(dir.value(), path)) {
        return *noexec;
    }
    const std::string copy = dir.value() + "/" + std::to_string(::getpid()) + "-" +
                             std::to_string(++copies_made_) + "-" +
                             opened.value().real.filename().string();
    Result<std::string> sha256 = copy_privately(source, copy, path, kept, kept_sha256);
    if (!sha256.ok()) {
        return sha256.error();
    }
    if (Check refused = probe_copy(copy, path, sha256.value())) {
        return explain_map_failure(*refused, dir.value(), path);
    }
    Result<void*> handle = open_copy(copy, path);
    if (!handle.ok()) {
        return explain_map_failure(handle.error(), dir.value(), path);
    }
    // From here the generation owns the handle, so every refusal below dlcloses it.
    std::shared_ptr<PluginGeneration> generation(new PluginGeneration());
    generation->handle_ = handle.value();
    generation->unload_ = unload_;
    generation->source_path_ = path;
    generation->sha256_ = sha256.value();
    generation->loaded_at_ = std::chrono::system_clock::now();
    generation->generation_ = copies_made_;

    Result<EntryPoints> entry_points = resolve_entry_points(handle.value(), path);
    if (!entry_points.ok()) {
        return entry_points.error();
    }
    generation->execute_ = entry_points.value().execute;
    generation->description_ = std::move(entry_points.value().description);
    return std::shared_ptr<const PluginGeneration>(std::move(generation));
}

}  // namespace taskhost
