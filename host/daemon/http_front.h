// The daemon's HTTP/1.1 front, one per listener: one event-loop thread (epoll, non-blocking
// sockets) accepts connections and reads each request whole (http_connection.h) before a
// worker of one of three lanes (http_worker_lane.h, http_service.h) answers it; the loop
// writes the answer. A slow or silent caller therefore holds only a buffer and a descriptor,
// never a thread, and is cut off at its deadline.
//
// At `max_connections`, room is made by closing the connection that has waited longest
// without a request at a worker (callers that never finished a request first), so a new
// caller, health probes included, always gets in. Answers for every descriptor the loop owns
// are written by the loop; workers never touch a socket.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "daemon/daemon_log.h"
#include "daemon/http_connection.h"
#include "daemon/http_worker_lane.h"
#include "util/host_error.h"

namespace taskhost {

class HttpFront {
  public:
    static Result<std::unique_ptr<HttpFront>> start(Poco::Net::ServerSocket listening,
                                                    HttpService& service,
                                                    HttpFrontSettings settings, DaemonLog& log);
    ~HttpFront();  // stop()
    HttpFront(const HttpFront&) = delete;
    HttpFront& operator=(const HttpFront&) = delete;

    // Closes the listening socket and every connection without a request in progress; the
    // rest get their answers, and every answer from now on closes its connection. Returns
    // once the loop has done it.
    void stop_accepting();
    // No request at a worker and no answer left to write.
    bool quiet() const { return busy_.load() == 0; }
    // Lets the workers finish, then ends the loop and closes every connection.
    void stop();

  private:
    HttpFront(Poco::Net::ServerSocket listening, HttpService& service, HttpFrontSettings settings,
              DaemonLog& log);
    void run();
    void accept_all(HttpClock::time_point now);
    void admit_connection(int fd, const std::string& address, HttpClock::time_point now);
    bool evict_one();
    void handle(HttpConnection& connection, HttpConnection::Wait wait);
    void dispatch(HttpConnection& connection);
    void unwatch(HttpConnection& connection);
    // From a worker: an answer (or a piece of one) for the loop to write.
    void post_answer(uint64_t id, HttpAnswer answer);
    void close_connection(uint64_t id);
    void take_answers(HttpClock::time_point now);
    void sweep(HttpClock::time_point now);
    void close_listener();
    void watch(HttpConnection& connection, uint32_t events);
    void count_busy();
    void wake();

    Poco::Net::ServerSocket listening_;
    HttpFrontShared shared_;
    DaemonLog& log_;
    int listen_fd_ = -1;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    bool accept_paused_ = false;
    uint64_t next_id_ = 1;
    std::map<uint64_t, std::unique_ptr<HttpConnection>> connections_;
    std::map<uint64_t, uint32_t> watched_;  // id -> the events epoll has for it
    std::array<std::unique_ptr<HttpWorkerLane>, kHttpLaneCount> lanes_;
    std::mutex answers_mutex_;
    std::vector<std::pair<uint64_t, HttpAnswer>> answers_;
    std::atomic<int> busy_{0};
    std::atomic<bool> stop_accepting_{false};
    std::atomic<bool> accepting_stopped_{false};
    std::atomic<bool> stopping_{false};
    std::thread loop_;
    bool stopped_ = false;
};

}  // namespace taskhost
