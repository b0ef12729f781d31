// The row-block walk shared by the distance-matrix kernels (pairwise.hpp).
#pragma once

#include <cstdint>

#include "threads.hpp"

namespace pydiv {
namespace pair_walk {

// Columns per task: enough work to amortise scheduling, small enough to balance.
constexpr std::int64_t kChunk = 32;
// Below this much work in a block (pairs times elements per pair), starting
// threads costs more than it saves.
constexpr double kParallelWork = 1 << 16;

inline std::int64_t condensed_offset(std::int64_t i, std::int64_t n) { return i * n - i * (i + 1) / 2; }

// The row-block walk shared by every metric: (row, column-chunk) tasks over
// threads, then the in-block mirror of a symmetric matrix.  value(i, j)
// gives one entry; pair_cost is the work of one entry, in elements.
template <class Out, class Value>
void walk_block(std::int64_t n, std::int64_t m, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                Out* out, int threads, double pair_cost, const Value& value) {
    const std::int64_t rows = i1 - i0;
    const std::int64_t chunks = (m + kChunk - 1) / kChunk;
    const std::int64_t base = condensed ? condensed_offset(i0, n) : 0;
    const int nt = resolve_threads(threads);
    const bool parallel = nt > 1 && static_cast<double>(rows) * static_cast<double>(m) * pair_cost >= kParallelWork;
    (void)parallel;  // unused without OpenMP
#pragma omp parallel for collapse(2) schedule(dynamic, 1) num_threads(nt) if (parallel)
    for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t c = 0; c < chunks; ++c) {
            const std::int64_t i = i0 + r;
            std::int64_t j0 = c * kChunk;
            const std::int64_t j1 = j0 + kChunk < m ? j0 + kChunk : m;
            if (symmetric && j0 <= i) j0 = i + 1;
            for (std::int64_t j = j0; j < j1; ++j) {
                const Out v = static_cast<Out>(value(i, j));
                if (condensed)
                    out[condensed_offset(i, n) - base + (j - i - 1)] = v;
                else
                    out[r * m + j] = v;
            }
        }
    }
    // Mirror inside the block afterwards: writing out[j][i] from the loop
    // above would make threads share cache lines.
    if (symmetric && !condensed) {
        for (std::int64_t i = i0; i < i1; ++i) {
            Out* row = out + (i - i0) * m;
            for (std::int64_t j = i0; j < i; ++j) row[j] = out[(j - i0) * m + i];
            row[i] = Out(0);
        }
    }
}

}  // namespace pair_walk
}  // namespace pydiv
