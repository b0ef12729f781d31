// Distance matrices between the rows of X and Y, one block of rows at a time.
//
// Each metric reduces to a cheap per-pair kernel over rows prepared once:
//   js      rows normalised, plus x log x per element; per pair one log per
//           element (info_kernels().js_pair).
//   cdf_l1  rows turned into normalised CDFs; per pair a weighted L1 distance
//           with the support gaps as weights (W1 on a shared support).
// The caller walks the matrix in row blocks (for progress, interrupts and
// memory-mapped output); inside a block, (row, column-chunk) tasks are spread
// over OpenMP threads with dynamic scheduling.
#pragma once

#include <cstdint>

namespace pydiv {

enum class PairMetric : int { js = 0, cdf_l1 = 1 };

struct PairInputs {
    const double* x = nullptr;      // n x k, row-major
    const double* x_aux = nullptr;  // js: x log x, n x k
    std::int64_t n = 0;
    const double* y = nullptr;  // m x k
    const double* y_aux = nullptr;
    std::int64_t m = 0;
    std::int64_t k = 0;
    const double* weights = nullptr;  // cdf_l1: k gaps (the last one 0)
    double scale = 1.0;               // applied to each value (1 / log base)
    bool take_sqrt = false;           // js distance instead of divergence
};

// Rows [i0, i1) of the matrix into `out`.
//   full:       out[(i - i0) * m + j]
//   condensed:  scipy's pdist order, out starting at row i0's first entry
// symmetric (Y is X): only j > i is computed; the diagonal is 0 and entries
// with i0 <= j < i are mirrored; entries with j < i0 are left to the caller
// (they equal the transposed entries of earlier blocks).
template <class Out>
void pair_block(PairMetric metric, const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric,
                bool condensed, Out* out, int threads);

}  // namespace pydiv
