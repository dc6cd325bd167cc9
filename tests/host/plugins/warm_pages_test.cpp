// The probe server's spare warms its pages while it waits (host/probe/warm_pages.c, issue 12): in
// a forked child, what it shares with its parent copy-on-write becomes its own and the libraries'
// code is mapped, so the probe that runs next does not fault on them, and nothing it holds
// changes. Measured with the child's own count of page faults (getrusage), against a control
// child that did not warm.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

extern "C" void warm_pages(int wake);

namespace {

constexpr size_t kPages = 1024;  // 4 MiB: an anonymous mapping of its own (malloc's mmap)

long minor_faults() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

// Forks; the child warms (or not), checks that every page of `pages` holds what the parent wrote
// (else exits 254), writes each once and exits with the faults that took (capped at 253).
int faults_in_child(std::vector<uint8_t>& pages, bool warm, int wake) {
    const long page = ::sysconf(_SC_PAGESIZE);
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (warm) {
            warm_pages(wake);
        }
        for (size_t i = 0; i < pages.size(); i += static_cast<size_t>(page)) {
            if (pages[i] != static_cast<uint8_t>(i / static_cast<size_t>(page))) {
                ::_exit(254);
            }
        }
        const long before = minor_faults();
        for (size_t i = 0; i < pages.size(); i += static_cast<size_t>(page)) {
            pages[i] = static_cast<uint8_t>(pages[i] + 1);
        }
        const long took = minor_faults() - before;
        ::_exit(static_cast<int>(took > 253 ? 253 : took));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool sanitized() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#else
    return false;
#endif
}

std::vector<uint8_t> marked_pages() {
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    std::vector<uint8_t> pages(kPages * page);
    for (size_t i = 0; i < pages.size(); i += page) {
        pages[i] = static_cast<uint8_t>(i / page);
    }
    return pages;
}

TEST(WarmPages, AWarmedChildWritesItsInheritedPagesWithoutFaultingAndTheyHoldTheirValues) {
    if (sanitized()) {
        GTEST_SKIP() << "warm_pages does nothing under a sanitizer (its shadow memory)";
    }
    std::vector<uint8_t> pages = marked_pages();
    const int cold = faults_in_child(pages, false, -1);
    const int warm = faults_in_child(pages, true, -1);
    std::printf("[ faults   ] writing %zu inherited pages: %d cold (capped at 253), %d warmed\n",
                kPages, cold, warm);
    ASSERT_NE(cold, 254);
    ASSERT_NE(warm, 254) << "warming changed what the pages held";
    EXPECT_GE(cold, 200) << "the control child should fault on its copy-on-write pages";
    EXPECT_LE(warm, 20);
}

TEST(WarmPages, ARequestWaitingStopsTheWarmingAtOnce) {
    if (sanitized()) {
        GTEST_SKIP() << "warm_pages does nothing under a sanitizer (its shadow memory)";
    }
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair), 0);
    ASSERT_EQ(::send(pair[0], "probe", 5, 0), 5);  // already waiting: nothing is warmed
    std::vector<uint8_t> pages = marked_pages();
    const int faults = faults_in_child(pages, true, pair[1]);
    ::close(pair[0]);
    ::close(pair[1]);
    std::printf("[ faults   ] with a request waiting: %d\n", faults);
    EXPECT_GE(faults, 200);
}

}  // namespace
