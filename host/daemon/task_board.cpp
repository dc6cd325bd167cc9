#include "daemon/task_board.h"

#include <random>

namespace taskhost {

void TaskJob::mark_running() {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::kRunning;
}

void TaskJob::finish(TaskAnswer answer) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        answer_ = std::move(answer);
        state_ = State::kDone;
    }
    done_.notify_all();
}

TaskAnswer TaskJob::wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return state_ == State::kDone; });
    return *answer_;
}

TaskJob::State TaskJob::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_;
}

std::optional<TaskAnswer> TaskJob::answer() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return answer_;
}

std::string TaskBoard::random_tag() {
    // Ids of one daemon run never repeat (a counter); the tag keeps a restarted daemon's ids
    // from matching what a client remembered from the previous run.
    std::random_device device;
    const unsigned value = device() & 0xffffffu;
    static const char digits[] = "0123456789abcdef";
    std::string tag;
    for (int shift = 20; shift >= 0; shift -= 4) {
        tag += digits[(value >> shift) & 0xf];
    }
    return tag;
}

std::shared_ptr<TaskJob> TaskBoard::open(bool async) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto job = std::make_shared<TaskJob>("t-" + run_tag_ + "-" + std::to_string(++next_), async);
    jobs_[job->id()] = job;
    return job;
}

void TaskBoard::close(const std::shared_ptr<TaskJob>& job) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!job->async()) {
        jobs_.erase(job->id());
        return;
    }
    finished_.push_back(job->id());
    while (finished_.size() > keep_finished_) {
        jobs_.erase(finished_.front());
        finished_.pop_front();
    }
}

void TaskBoard::drop(const std::shared_ptr<TaskJob>& job) {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.erase(job->id());
}

std::shared_ptr<TaskJob> TaskBoard::find(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = jobs_.find(id);
    return found == jobs_.end() ? nullptr : found->second;
}

void TaskBoard::cancel_unfinished() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : jobs_) {
        if (entry.second->state() != TaskJob::State::kDone) {
            entry.second->cancel();
        }
    }
}

size_t TaskBoard::kept_finished() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return finished_.size();
}

}  // namespace taskhost
