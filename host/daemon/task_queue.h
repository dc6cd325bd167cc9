// A fixed pool of workers fed by a bounded queue: at most `workers` tasks run at once and at
// most `max_queued` wait. A full queue refuses at once (the API answers 503), so memory stays
// bounded however hard clients push.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace taskhost {

class TaskQueue {
  public:
    TaskQueue(int workers, int max_queued);
    ~TaskQueue();  // finishes what was queued, then joins the workers
    TaskQueue(const TaskQueue&) = delete;
    TaskQueue& operator=(const TaskQueue&) = delete;

    // false: the queue is full (or closed) and `job` was not taken.
    bool try_submit(std::function<void()> job);

    // Refuse new jobs from now on; queued ones still run.
    void close();

    // Waits until nothing is queued or running, or `deadline` passes. true: idle.
    bool wait_idle(std::chrono::steady_clock::time_point deadline);

    size_t queued() const;
    size_t running() const;

  private:
    void work();

    const size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable has_work_;
    std::condition_variable became_idle_;
    std::deque<std::function<void()>> queue_;
    size_t running_ = 0;
    bool closed_ = false;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace taskhost
