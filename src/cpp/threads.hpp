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

// Threads a parallel region may use when the caller asked for `requested`
// (<= 0 means "the OpenMP default", which honours OMP_NUM_THREADS).
inline int resolve_threads(int requested) {
#ifdef _OPENMP
    if (in_forked_child()) return 1;
    return requested > 0 ? requested : omp_get_max_threads();
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
