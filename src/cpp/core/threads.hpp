// Thread-count helpers shared by the kernels. Without OpenMP every kernel runs
// on one thread and these report 1, so the library still builds and works.
#pragma once

#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace pydiv {

// True in a process forked from one that had loaded pydiv.  GNU OpenMP's
// thread pool does not survive fork(): a parallel region in the child waits
// forever for threads that no longer exist, so a forked child runs every
// kernel on its own thread.  Processes started by spawn or forkserver are
// not affected.
bool in_forked_child();

// Threads per usable CPU that a parallel region may have at most.
constexpr int kThreadsPerCpu = 4;

// The most threads any parallel region gets: kThreadsPerCpu for each CPU the
// process may run on (its affinity mask, as OpenMP counts it at first use),
// and never more than OMP_THREAD_LIMIT.  A request beyond it (n_jobs,
// OMP_NUM_THREADS, omp_set_num_threads) could only oversubscribe the CPUs,
// and far beyond it (tens of thousands) GNU OpenMP fails to create the
// threads and exits the whole process.
inline int thread_cap() {
#ifdef _OPENMP
    static const int cap = [] {
        const int procs = omp_get_num_procs();
        const int per_cpu = (procs > 0 ? (procs < (1 << 20) ? procs : (1 << 20)) : 1) * kThreadsPerCpu;
        const int limit = omp_get_thread_limit();
        return limit > 0 && limit < per_cpu ? limit : per_cpu;
    }();
    return cap;
#else
    return 1;
#endif
}

// Threads a parallel region may use when the caller asked for `requested`
// (<= 0 means "the OpenMP default", which honours OMP_NUM_THREADS), capped
// by thread_cap().  Every kernel's thread count comes from here.
inline int resolve_threads(int requested) {
#ifdef _OPENMP
    if (in_forked_child()) return 1;
    const int wanted = requested > 0 ? requested : omp_get_max_threads();
    const int cap = thread_cap();
    return wanted < 1 ? 1 : (wanted < cap ? wanted : cap);
#else
    (void)requested;
    return 1;
#endif
}

inline bool openmp_enabled() {
#ifdef _OPENMP
    return true;
#else
    return false;
#endif
}

}  // namespace pydiv
