// The row-block walk shared by the distance-matrix kernels (pairwise.hpp).
//
// A block of rows [i0, i1) of the matrix is cut into tasks (a tile of up to
// kMaxTileRows rows against a chunk of kChunk columns) that OpenMP threads
// take with dynamic scheduling; each task fills a small stack buffer, then
// copies its rows out.  Invariants: every entry of the block is written by
// exactly one task (in a symmetric matrix only j > i, mirrored afterwards
// inside the block, so threads never share output cache lines); the values
// do not depend on the thread count, because each entry is computed alone.
// Condensed output follows scipy.spatial.distance.pdist's order.
#pragma once

#include <cstdint>

#include "core/threads.hpp"

namespace pydiv {
namespace pair_walk {

// Columns per task: enough work to amortise scheduling, small enough to balance.
constexpr std::int64_t kChunk = 32;
// Most rows per task (a tile of rows against a chunk of columns).
constexpr std::int64_t kMaxTileRows = 8;
// Below this much work in a block (pairs times elements per pair), starting
// threads costs more than it saves.
constexpr double kParallelWork = 1 << 16;

inline std::int64_t condensed_offset(std::int64_t i, std::int64_t n) { return i * n - i * (i + 1) / 2; }

// The row-block walk shared by every metric: (row tile, column chunk) tasks
// over threads, then the in-block mirror of a symmetric matrix.  A tile of
// several rows lets a kernel reuse a column row while it is in L1 (the rows
// of Y would otherwise stream from L3 once per row of X).
// fill(ia, ib, j0, j1, values) writes entry (i, j) to
// values[(i - ia) * kChunk + (j - j0)] for ia <= i < ib, j0 <= j < j1; in a
// symmetric matrix only the entries with j > i are used.  pair_cost is the
// work of one entry, in elements.
template <class Out, class Fill>
void walk_tiles(std::int64_t n, std::int64_t m, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                Out* out, int threads, double pair_cost, std::int64_t tile_rows, const Fill& fill) {
    tile_rows = tile_rows < 1 ? 1 : (tile_rows > kMaxTileRows ? kMaxTileRows : tile_rows);
    const std::int64_t tiles = (i1 - i0 + tile_rows - 1) / tile_rows;
    const std::int64_t chunks = (m + kChunk - 1) / kChunk;
    const std::int64_t base = condensed ? condensed_offset(i0, n) : 0;
    const int nt = resolve_threads(threads);
    const bool parallel =
        nt > 1 && static_cast<double>(i1 - i0) * static_cast<double>(m) * pair_cost >= kParallelWork;
    (void)parallel;  // unused without OpenMP
#pragma omp parallel for collapse(2) schedule(dynamic, 1) num_threads(nt) if (parallel)
    for (std::int64_t t = 0; t < tiles; ++t) {
        for (std::int64_t c = 0; c < chunks; ++c) {
            const std::int64_t ia = i0 + t * tile_rows;
            const std::int64_t ib = ia + tile_rows < i1 ? ia + tile_rows : i1;
            std::int64_t j0 = c * kChunk;
            const std::int64_t j1 = j0 + kChunk < m ? j0 + kChunk : m;
            if (symmetric && j0 <= ia) j0 = ia + 1;
            if (j0 >= j1) continue;
            double values[kMaxTileRows * kChunk];
            fill(ia, ib, j0, j1, values);
            for (std::int64_t i = ia; i < ib; ++i) {
                const std::int64_t first = symmetric && j0 <= i ? i + 1 : j0;
                // Row i's entries are contiguous in both layouts.
                Out* dst = condensed ? out + condensed_offset(i, n) - base - i - 1 : out + (i - i0) * m;
                const double* v = values + (i - ia) * kChunk - j0;
                for (std::int64_t j = first; j < j1; ++j) dst[j] = static_cast<Out>(v[j]);
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

// walk_tiles for metrics computed one entry at a time, value(i, j): the
// tile's rows meet each column in turn, so the column stays in cache.
template <class Out, class Value>
void walk_block(std::int64_t n, std::int64_t m, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                Out* out, int threads, double pair_cost, std::int64_t tile_rows, const Value& value) {
    walk_tiles(n, m, i0, i1, symmetric, condensed, out, threads, pair_cost, tile_rows,
               [&](std::int64_t ia, std::int64_t ib, std::int64_t j0, std::int64_t j1, double* values) {
                   for (std::int64_t j = j0; j < j1; ++j)
                       for (std::int64_t i = ia; i < ib; ++i)
                           if (!symmetric || j > i) values[(i - ia) * kChunk + (j - j0)] = value(i, j);
               });
}

}  // namespace pair_walk
}  // namespace pydiv
