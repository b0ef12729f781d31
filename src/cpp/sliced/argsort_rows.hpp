// Stable argsort of the rows of a float64 matrix, for the exact gradients of
// the 1-D and sliced Wasserstein distances (their sorted matchings).
//
// Algorithm: each row is sorted by RadixSorter (radix_sort.hpp, O(n) per
// row) with its indices carried along as the "weights" (exact as doubles up
// to 2^53); rows are independent, one sorter per thread (OpenMP across rows).
// Invariants: order[r] is a permutation of 0..n-1 with x[r][order[r][k]]
// non-decreasing in k, and equal values keep their index order (the radix
// passes are stable, std::stable_sort below the radix threshold); -0.0 is
// read as +0.0, so zeros of either sign are one tie, ordered by index.  NaN
// is the caller's to refuse.  No allocation in the per-row loop beyond the
// sorter's reused scratch.
#pragma once

#include <cstdint>
#include <vector>

#include "core/threads.hpp"
#include "sliced/radix_sort.hpp"

namespace pydiv {
namespace sliced {

inline void argsort_rows(const double* x, std::int64_t rows, std::int64_t n, std::int64_t* order, int threads) {
    const int nt = rows > 1 ? resolve_threads(threads) : 1;
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        RadixSorter sorter;
        std::vector<double> values(static_cast<std::size_t>(n)), index(static_cast<std::size_t>(n));
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t r = 0; r < rows; ++r) {
            const double* row = x + r * n;
            for (std::int64_t i = 0; i < n; ++i) {
                values[static_cast<std::size_t>(i)] = row[i] + 0.0;  // -0.0 + 0.0 == +0.0
                index[static_cast<std::size_t>(i)] = static_cast<double>(i);
            }
            sorter.sort(values.data(), index.data(), n);
            std::int64_t* out = order + r * n;
            for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<std::int64_t>(index[static_cast<std::size_t>(i)]);
        }
    }
}

}  // namespace sliced
}  // namespace pydiv
