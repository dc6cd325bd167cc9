#include "daemon/http_worker_lane.h"

namespace taskhost {

HttpWorkerLane::HttpWorkerLane(int max_threads)
    : max_threads_(static_cast<size_t>(max_threads < 1 ? 1 : max_threads)) {}

HttpWorkerLane::~HttpWorkerLane() {
    stop();
}

void HttpWorkerLane::submit(std::function<void()> work) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
        return;  // the front is going: nobody would write the answer
    }
    queue_.push_back(std::move(work));
    if (idle_ < queue_.size() && threads_.size() < max_threads_) {
        threads_.emplace_back([this] { serve(); });
    } else {
        ready_.notify_one();
    }
}

void HttpWorkerLane::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
    }
    ready_.notify_all();
    for (std::thread& thread : threads) {
        thread.join();
    }
}

void HttpWorkerLane::serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        ++idle_;
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (queue_.empty()) {
            return;  // stopping, and nothing left to run
        }
        std::function<void()> work = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        work();
        lock.lock();
    }
}

}  // namespace taskhost
