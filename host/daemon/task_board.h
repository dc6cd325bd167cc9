// Every task the daemon accepted, from queued to done: callers that wait block on their job,
// async callers look theirs up by id (GET /v1/tasks/{id}), and a drain can cancel them all.
// Finished async jobs are kept for lookup up to a bound; the oldest are forgotten first.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "util/cancellation.h"

namespace taskhost {

// What the API answers for one task: an HTTP status and a JSON body (an outcome, or an
// invalid_input outcome when the task could not run).
struct TaskAnswer {
    int http_status = 500;
    std::string body;
    std::string status;  // the outcome's status ("succeeded", "failed", ...) or "rejected"
};

class TaskJob {
  public:
    enum class State { kQueued, kRunning, kDone };

    TaskJob(std::string id, bool async) : id_(std::move(id)), async_(async) {}

    const std::string& id() const { return id_; }
    bool async() const { return async_; }
    // Set by a drain that ran out of time: the plugin sees it through host->cancelled.
    const CancelToken& cancel_flag() const { return cancel_; }
    void cancel() { cancel_.cancel(); }

    void mark_running();
    void finish(TaskAnswer answer);
    TaskAnswer wait();  // blocks until finish()
    State state() const;
    std::optional<TaskAnswer> answer() const;

  private:
    const std::string id_;
    const bool async_;
    CancelToken cancel_;
    mutable std::mutex mutex_;
    std::condition_variable done_;
    State state_ = State::kQueued;
    std::optional<TaskAnswer> answer_;
};

class TaskBoard {
  public:
    explicit TaskBoard(size_t keep_finished) : keep_finished_(keep_finished) {}

    // A new job with a fresh id ("t-<n>-<random>"), tracked until it finishes (and, when
    // async, until it is among the oldest finished beyond the bound).
    std::shared_ptr<TaskJob> open(bool async);
    // Called once the job is finished; a sync job is forgotten, an async one is kept.
    void close(const std::shared_ptr<TaskJob>& job);
    // A job that was never queued (the queue was full): forget it.
    void drop(const std::shared_ptr<TaskJob>& job);

    std::shared_ptr<TaskJob> find(const std::string& id) const;
    void cancel_unfinished();
    size_t kept_finished() const;

  private:
    const size_t keep_finished_;
    mutable std::mutex mutex_;
    uint64_t next_ = 0;
    const std::string run_tag_ = random_tag();
    std::map<std::string, std::shared_ptr<TaskJob>> jobs_;
    std::deque<std::string> finished_;  // async ids, oldest first

    static std::string random_tag();
};

}  // namespace taskhost
