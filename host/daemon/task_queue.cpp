#include "daemon/task_queue.h"

namespace taskhost {

TaskQueue::TaskQueue(int workers, int max_queued)
    : max_queued_(static_cast<size_t>(max_queued < 0 ? 0 : max_queued)) {
    for (int i = 0; i < (workers < 1 ? 1 : workers); ++i) {
        workers_.emplace_back([this] { work(); });
    }
}

TaskQueue::~TaskQueue() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        stopping_ = true;
    }
    has_work_.notify_all();
    for (std::thread& worker : workers_) {
        worker.join();
    }
}

bool TaskQueue::try_submit(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        // Room for one job per worker plus max_queued_ waiting: a job handed over but not yet
        // picked up by an idle worker counts as one of the running ones.
        if (closed_ || running_ + queue_.size() >= workers_.size() + max_queued_) {
            return false;
        }
        queue_.push_back(std::move(job));
    }
    has_work_.notify_one();
    return true;
}

void TaskQueue::close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
}

bool TaskQueue::wait_idle(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return became_idle_.wait_until(lock, deadline,
                                   [this] { return queue_.empty() && running_ == 0; });
}

size_t TaskQueue::queued() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
}

size_t TaskQueue::running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_;
}

void TaskQueue::work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return;  // stopping, and nothing left to do
        }
        std::function<void()> job = std::move(queue_.front());
        queue_.pop_front();
        ++running_;
        lock.unlock();
        job();  // jobs catch their own exceptions: an error is an answer, not a dead worker
        job = nullptr;
        lock.lock();
        --running_;
        if (queue_.empty() && running_ == 0) {
            became_idle_.notify_all();
        }
    }
}

}  // namespace taskhost
