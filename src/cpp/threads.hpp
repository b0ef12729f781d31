// Thread-count helpers shared by the kernels. Without OpenMP every kernel runs
// on one thread and these report 1, so the library still builds and works.
#pragma once

#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace pydiv {

// Threads a parallel region may use when the caller asked for `requested`
// (<= 0 means "the OpenMP default", which honours OMP_NUM_THREADS).
inline int resolve_threads(int requested) {
#ifdef _OPENMP
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
