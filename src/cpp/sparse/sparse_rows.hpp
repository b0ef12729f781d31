// Distance matrices between the rows of two sparse (CSR) matrices.
//
// Rows are in canonical form (sorted column indices, no duplicates, no
// stored zeros, values finite and positive), each scaled by a power of two
// so its total is below 2^961 (exact: normalised values are unchanged; its
// maximum as large as that allows, so tiny entries keep their digits).  A
// pair weighs up the row of the smaller total (merge_walk.hpp), so no value
// it forms exceeds the larger total or falls below the row's own entries.
// Per row the caller passes its total A = sum_hi + sum_lo (compensated) and,
// for cross-entropy, its entropy H.  A pair costs one step per stored value
// of the two rows (merge_walk.hpp), never the dense width.
//
// Entries follow the layouts and symmetric/condensed rules of pair_block
// (pairwise/pairwise.hpp); each entry is computed alone, so the values do
// not depend on the thread count.
#pragma once

#include <cstdint>

namespace pydiv {

// The metrics of the sparse path; each is one term of merge_walk.hpp.
enum class SparseMetric : int { kl = 0, cross_entropy = 1, js = 2, hellinger = 3, total_variation = 4 };

// How a pair meets its common columns (merge_walk.hpp); every way gives the
// same bits.  automatic: the column table unless the rows are too wide.
enum class SparseWalk : int { automatic = 0, merge = 1, table = 2 };

struct SparseRows {
    const std::int64_t* indptr = nullptr;   // rows + 1 offsets
    const std::int64_t* indices = nullptr;  // sorted within each row
    const double* data = nullptr;           // positive, finite
    const double* sum_hi = nullptr;         // per row: the total, compensated
    const double* sum_lo = nullptr;
    const double* entropy = nullptr;        // per row (natural log); cross-entropy only
    std::int64_t rows = 0;
};

// Per row of `rows` (entropy unused): the compensated total and the entropy
// (natural log) into sum_hi, sum_lo and entropy.
void sparse_row_stats(const SparseRows& rows, double* sum_hi, double* sum_lo, double* entropy);

// Rows [i0, i1) of the matrix between the rows of x and y (`width` columns)
// into `out` (the layouts of pair_block).  Each value is multiplied by
// `scale` (1 / log base), then square-rooted when take_sqrt.
template <class Out>
void sparse_pair_block(SparseMetric metric, const SparseRows& x, const SparseRows& y, std::int64_t width,
                       double scale, bool take_sqrt, SparseWalk walk, std::int64_t i0, std::int64_t i1, bool symmetric,
                       bool condensed, Out* out, int threads);

}  // namespace pydiv
