// B independent tasks (problem k of a batch) on OpenMP threads, one task at
// a time per thread (dynamic schedule: solve times vary a lot), with a
// caller's interrupt check.  Plain C++17, header only, no Python.
//
//   run_tasks(B, threads, task, should_stop);
//   task(k, stop)   runs task k and passes `stop` (a callable bool()) on to
//                   the solver it calls.
//   should_stop()   the caller's interrupt check (e.g. Ctrl-C).  Only the
//                   thread that called run_tasks calls it (a Python signal
//                   check is only meaningful there); the other threads read
//                   a shared flag.
//
// Invariants.  Once should_stop() returns true, every task in progress sees
// stop() == true at its next check and no further task starts (the caller
// pre-fills the outputs of tasks that never run).  While other threads still
// work, the calling thread keeps checking should_stop after its own last
// task, so a long batch stays interruptible.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "core/threads.hpp"

namespace pydiv {

// How long the calling thread waits between interrupt checks once its own
// tasks are done (woken at once when the last task finishes): short against
// a human's Ctrl-C, long against a pivot.
constexpr std::chrono::milliseconds kTaskIdlePoll{20};

template <class Task, class Stop>
void run_tasks(int64_t B, int threads, Task&& task, Stop&& should_stop) {
    int nt = resolve_threads(threads);
    if (static_cast<int64_t>(nt) > B) nt = static_cast<int>(B < 1 ? 1 : B);
    std::atomic<bool> stopped{false};
    int64_t running = B;  // tasks not yet finished (or skipped), under `done_mutex`
    std::mutex done_mutex;
    std::condition_variable all_done;
    // The caller's check, for the calling thread only; it raises the shared flag.
    auto caller_stop = [&]() -> bool {
        if (stopped.load(std::memory_order_relaxed)) return true;
        if (!should_stop()) return false;
        stopped.store(true, std::memory_order_relaxed);
        return true;
    };
    auto worker_stop = [&]() -> bool { return stopped.load(std::memory_order_relaxed); };
    if (nt <= 1) {
        for (int64_t k = 0; k < B; ++k) {
            if (caller_stop()) break;
            task(k, caller_stop);
        }
        return;
    }
#pragma omp parallel num_threads(nt)
    {
#ifdef _OPENMP
        const bool caller = omp_get_thread_num() == 0;  // the master thread is the calling thread
#else
        const bool caller = true;
#endif
#pragma omp for schedule(dynamic, 1) nowait
        for (int64_t k = 0; k < B; ++k) {
            const bool stop_now = caller ? caller_stop() : worker_stop();
            if (!stop_now) {
                if (caller)
                    task(k, caller_stop);
                else
                    task(k, worker_stop);
            }
            std::lock_guard<std::mutex> lock(done_mutex);
            if (--running == 0) all_done.notify_all();
        }
        if (caller) {
            std::unique_lock<std::mutex> lock(done_mutex);
            while (running > 0) {
                if (all_done.wait_for(lock, kTaskIdlePoll, [&] { return running == 0; })) break;
                lock.unlock();
                const bool stop_now = caller_stop();
                lock.lock();
                if (stop_now) break;
            }
        }
    }
}

}  // namespace pydiv
