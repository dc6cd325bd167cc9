#include "daemon/http_front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace taskhost {
namespace {

constexpr uint64_t kListenKey = 0;  // connection ids start at 1
constexpr uint64_t kWakeKey = ~uint64_t{0};
constexpr std::chrono::milliseconds kSweepEvery{50};
constexpr int kAcceptsPerTurn = 256;

std::string peer_address(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = "";
    if (address.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
        ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
    }
    if (address.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    return "";
}

// Which connection goes first when room is needed: lower first, then the longest waiting.
// -1: never (its request is at a worker).
int eviction_rank(const HttpConnection& connection) {
    switch (connection.state()) {
        case HttpConnection::State::kLingering:
            return 0;
        case HttpConnection::State::kHead:
        case HttpConnection::State::kBody:
            return connection.served() == 0 ? 1 : 2;  // never finished a request: first
        case HttpConnection::State::kWriting:
            return 3;
        case HttpConnection::State::kWorking:
        case HttpConnection::State::kStreaming:
            break;
    }
    return -1;
}

}  // namespace

HttpFront::HttpFront(Poco::Net::ServerSocket listening, HttpService& service,
                     HttpFrontSettings settings, DaemonLog& log)
    : listening_(std::move(listening)), shared_{std::move(settings), service, {false}}, log_(log) {
    for (int lane = 0; lane < kHttpLaneCount; ++lane) {
        lanes_[lane] = std::make_unique<HttpWorkerLane>(shared_.settings.lane_threads[lane]);
    }
}

Result<std::unique_ptr<HttpFront>> HttpFront::start(Poco::Net::ServerSocket listening,
                                                    HttpService& service,
                                                    HttpFrontSettings settings, DaemonLog& log) {
    std::unique_ptr<HttpFront> front(
        new HttpFront(std::move(listening), service, std::move(settings), log));
    front->listen_fd_ = front->listening_.impl()->sockfd();
    front->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    front->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    const int flags = ::fcntl(front->listen_fd_, F_GETFL);
    epoll_event listen_event{EPOLLIN, {}};
    listen_event.data.u64 = kListenKey;
    epoll_event wake_event{EPOLLIN, {}};
    wake_event.data.u64 = kWakeKey;
    if (front->epoll_fd_ < 0 || front->wake_fd_ < 0 || flags < 0 ||
        ::fcntl(front->listen_fd_, F_SETFL, flags | O_NONBLOCK) != 0 ||
        ::epoll_ctl(front->epoll_fd_, EPOLL_CTL_ADD, front->listen_fd_, &listen_event) != 0 ||
        ::epoll_ctl(front->epoll_fd_, EPOLL_CTL_ADD, front->wake_fd_, &wake_event) != 0) {
        const int err = errno;
        return HostError{"daemon " + front->shared_.settings.name,
                         std::string("cannot set up its event loop: ") + std::strerror(err),
                         "check the daemon's open-file limit (ulimit -n)"};
    }
    HttpFront* loop = front.get();
    front->loop_ = std::thread([loop] { loop->run(); });
    return front;
}

HttpFront::~HttpFront() {
    stop();
    if (epoll_fd_ >= 0) {
        ::close(epoll_fd_);
    }
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
}

void HttpFront::wake() {
    const uint64_t one = 1;
    // A failed write (EAGAIN) means the eventfd's counter is already set: the loop wakes anyway.
    if (::write(wake_fd_, &one, sizeof one) != sizeof one) {
        return;
    }
}

void HttpFront::stop_accepting() {
    shared_.draining = true;
    stop_accepting_ = true;
    if (!loop_.joinable()) {
        return;
    }
    wake();
    const auto until = HttpClock::now() + std::chrono::seconds(2);
    while (!accepting_stopped_.load() && HttpClock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

void HttpFront::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    stop_accepting();
    for (auto& lane : lanes_) {
        lane->stop();  // its workers post their last answers to the loop
    }
    stopping_ = true;
    if (loop_.joinable()) {
        wake();
        loop_.join();
    }
    connections_.clear();
    watched_.clear();
}

void HttpFront::run() {
    epoll_event events[256];
    HttpClock::time_point last_sweep = HttpClock::now();
    while (!stopping_.load()) {
        const int count =
            ::epoll_wait(epoll_fd_, events, 256, static_cast<int>(kSweepEvery.count()));
        const HttpClock::time_point now = HttpClock::now();
        for (int i = 0; i < count; ++i) {
            const uint64_t key = events[i].data.u64;
            if (key == kWakeKey) {
                uint64_t drained = 0;
                // Nothing to read (EAGAIN) is as good as reading it: the counter is clear.
                if (::read(wake_fd_, &drained, sizeof drained) < 0) {
                    drained = 0;
                }
                continue;
            }
            if (key == kListenKey) {
                accept_all(now);
                continue;
            }
            const auto found = connections_.find(key);
            if (found == connections_.end()) {
                continue;
            }
            HttpConnection& connection = *found->second;
            const HttpConnection::State state = connection.state();
            handle(connection, state == HttpConnection::State::kWriting ||
                                       state == HttpConnection::State::kStreaming
                                   ? connection.on_writable(now)
                                   : connection.on_readable(now));
        }
        if (stop_accepting_.load() && !accepting_stopped_.load()) {
            close_listener();
        }
        take_answers(now);
        if (now - last_sweep >= kSweepEvery) {
            sweep(now);
            last_sweep = now;
        } else if (accepting_stopped_.load()) {
            count_busy();  // shutdown() waits on it
        }
    }
}

void HttpFront::accept_all(HttpClock::time_point now) {
    for (int turn = 0; turn < kAcceptsPerTurn; ++turn) {
        sockaddr_storage address{};
        socklen_t size = sizeof address;
        const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) &&
                !evict_one() && !accept_paused_) {
                // Out of descriptors and nothing to close: wait for a connection to end.
                ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
                accept_paused_ = true;
                log_.line(shared_.settings.name + ": out of file descriptors with " +
                          std::to_string(connections_.size()) +
                          " connections, each at a worker; accepting again when one ends");
            }
            return;
        }
        if (connections_.size() >= shared_.settings.max_connections && !evict_one()) {
            ::close(fd);  // every connection has a request at a worker
            continue;
        }
        admit_connection(fd, shared_.settings.unix_socket ? "" : peer_address(address), now);
    }
}

void HttpFront::admit_connection(int fd, const std::string& address, HttpClock::time_point now) {
    auto connection = std::make_unique<HttpConnection>(next_id_++, fd, shared_, now);
    if (shared_.settings.unix_socket) {
        // From the descriptor the loop owns: no other thread can close it meanwhile.
        connection->set_identity(peer_credentials(fd), "");
    } else {
        connection->set_identity(std::nullopt, address);
    }
    HttpConnection& added = *connection;
    connections_.emplace(added.id(), std::move(connection));
    watch(added, EPOLLIN);
}

bool HttpFront::evict_one() {
    HttpConnection* victim = nullptr;
    int victim_rank = 0;
    for (const auto& entry : connections_) {
        const int rank = eviction_rank(*entry.second);
        if (rank < 0) {
            continue;
        }
        if (victim == nullptr || rank < victim_rank ||
            (rank == victim_rank && entry.second->waiting_since() < victim->waiting_since())) {
            victim = entry.second.get();
            victim_rank = rank;
        }
    }
    if (victim == nullptr) {
        return false;
    }
    close_connection(victim->id());
    return true;
}

void HttpFront::handle(HttpConnection& connection, HttpConnection::Wait wait) {
    switch (wait) {
        case HttpConnection::Wait::kRead:
            watch(connection, EPOLLIN);
            return;
        case HttpConnection::Wait::kWrite:
            watch(connection, EPOLLOUT);
            return;
        case HttpConnection::Wait::kWorker:
            dispatch(connection);
            return;
        case HttpConnection::Wait::kPiece:
            unwatch(connection);
            return;
        case HttpConnection::Wait::kClose:
            close_connection(connection.id());
            return;
    }
}

void HttpFront::watch(HttpConnection& connection, uint32_t events) {
    const auto known = watched_.find(connection.id());
    if (known != watched_.end() && known->second == events) {
        return;
    }
    epoll_event event{events, {}};
    event.data.u64 = connection.id();
    const int op = known == watched_.end() ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (::epoll_ctl(epoll_fd_, op, connection.fd(), &event) != 0) {
        close_connection(connection.id());
        return;
    }
    watched_[connection.id()] = events;
}

void HttpFront::unwatch(HttpConnection& connection) {
    if (watched_.erase(connection.id()) != 0) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd(), nullptr);
    }
}

void HttpFront::post_answer(uint64_t id, HttpAnswer answer) {
    {
        std::lock_guard<std::mutex> lock(answers_mutex_);
        answers_.emplace_back(id, std::move(answer));
    }
    wake();
}

void HttpFront::dispatch(HttpConnection& connection) {
    // Unwatched while a worker has its request: a hang-up shows when the answer is written.
    unwatch(connection);
    ++busy_;
    HttpRequest request = connection.take_request();
    const HttpLane lane = shared_.service.lane(request);
    const uint64_t id = connection.id();
    if (request.http11) {  // chunked pieces need HTTP/1.1
        request.stream = [this, id](HttpAnswer piece) {
            piece.more = true;
            post_answer(id, std::move(piece));
        };
    }
    lanes_[static_cast<int>(lane)]->submit([this, id, request = std::move(request)]() mutable {
        HttpAnswer answer = shared_.service.answer(request);
        answer.more = false;  // the last piece of a streamed answer, or the whole answer
        post_answer(id, std::move(answer));
    });
}

void HttpFront::close_connection(uint64_t id) {
    const auto found = connections_.find(id);
    if (found == connections_.end()) {
        return;
    }
    if (watched_.erase(id) != 0) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, found->second->fd(), nullptr);
    }
    connections_.erase(found);  // closes the descriptor
    if (accept_paused_ && !accepting_stopped_.load()) {
        epoll_event event{EPOLLIN, {}};
        event.data.u64 = kListenKey;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event);
        accept_paused_ = false;
    }
}

void HttpFront::take_answers(HttpClock::time_point now) {
    std::vector<std::pair<uint64_t, HttpAnswer>> ready;
    {
        std::lock_guard<std::mutex> lock(answers_mutex_);
        ready.swap(answers_);
    }
    for (const auto& [id, answer] : ready) {
        const auto found = connections_.find(id);
        if (found != connections_.end()) {
            HttpConnection& connection = *found->second;
            handle(connection, connection.on_answer(answer, now));
        }
    }
}

void HttpFront::sweep(HttpClock::time_point now) {
    std::vector<uint64_t> expired;
    for (const auto& entry : connections_) {
        const HttpConnection::State state = entry.second->state();
        // A worker still answers (whole or in pieces): its run may take hours when paced.
        if (state != HttpConnection::State::kWorking &&
            state != HttpConnection::State::kStreaming && now >= entry.second->deadline()) {
            expired.push_back(entry.first);
        }
    }
    for (const uint64_t id : expired) {
        const auto found = connections_.find(id);
        if (found != connections_.end()) {
            HttpConnection& connection = *found->second;
            handle(connection, connection.on_expired(now));
        }
    }
    count_busy();
}

void HttpFront::count_busy() {
    int busy = 0;
    for (const auto& entry : connections_) {
        const HttpConnection::State state = entry.second->state();
        busy += state == HttpConnection::State::kWorking ||
                state == HttpConnection::State::kStreaming ||
                state == HttpConnection::State::kWriting || state == HttpConnection::State::kBody;
    }
    busy_ = busy;
}

void HttpFront::close_listener() {
    if (!accept_paused_) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    }
    listening_.close();
    accepting_stopped_ = true;  // before the closes below, so none re-arms the listener
    std::vector<uint64_t> waiting;
    for (const auto& entry : connections_) {
        const HttpConnection::State state = entry.second->state();
        if (state == HttpConnection::State::kHead || state == HttpConnection::State::kLingering) {
            waiting.push_back(entry.first);
        }
    }
    for (const uint64_t id : waiting) {
        close_connection(id);
    }
    count_busy();
}

}  // namespace taskhost
