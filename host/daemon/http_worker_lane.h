// A lane of worker threads for requests the event loop has read whole. The front keeps lanes
// apart by route (http_service.h), so requests that wait for a task never hold the threads
// that answer health and other quick routes. Threads start on demand, up to `max_threads`;
// beyond that, work waits in the lane's queue (bounded by the front's connection limit).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace taskhost {

class HttpWorkerLane {
  public:
    explicit HttpWorkerLane(int max_threads);
    ~HttpWorkerLane();  // stop()
    HttpWorkerLane(const HttpWorkerLane&) = delete;
    HttpWorkerLane& operator=(const HttpWorkerLane&) = delete;

    void submit(std::function<void()> work);
    // Runs what is queued, then joins every thread.
    void stop();

  private:
    void serve();

    const size_t max_threads_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::thread> threads_;
    size_t idle_ = 0;
    bool stopping_ = false;
};

}  // namespace taskhost
