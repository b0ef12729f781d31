// Distance matrices between the rows of X and Y, one block of rows at a time.
//
// Each metric reduces to a cheap per-pair kernel over rows prepared once:
//   js      rows normalised, plus x log x per element; per pair one log per
//           element (info_kernels().js_pair), and the accurate single-pair
//           kernel for the rare near-identical pair whose sum would cancel.
//   cdf_l1  rows turned into normalised CDFs; per pair a weighted L1 distance
//           with the support gaps as weights (W1 on a shared support), four
//           columns per loaded row (info_kernels().l1_rows).
//   hist_wp rows normalised; per pair the quantile merge of W_p (p != 1) on
//           the shared support (wasserstein/histograms.hpp).
// The caller walks the matrix in row blocks (for progress, interrupts and
// memory-mapped output); inside a block, (row tile, column chunk) tasks are
// spread over OpenMP threads with dynamic scheduling (pair_walk.hpp).
// One file of kernels per metric family: pairwise_js.cpp, pairwise_hist.cpp
// (cdf_l1, hist_wp), pairwise_samples.cpp (1-D samples), pairwise_emd.cpp
// (point clouds); pairwise.cpp dispatches pair_block to them.
#pragma once

#include <cstdint>

namespace pydiv {

enum class PairMetric : int { js = 0, cdf_l1 = 1, hist_wp = 2 };

struct PairInputs {
    const double* x = nullptr;      // n x k, row-major
    const double* x_aux = nullptr;  // js: x log x, n x k
    const double* x_raw = nullptr;  // js: the rows before normalising (optional), n x k
    std::int64_t n = 0;
    const double* y = nullptr;  // m x k
    const double* y_aux = nullptr;
    const double* y_raw = nullptr;
    std::int64_t m = 0;
    std::int64_t k = 0;
    const double* weights = nullptr;  // cdf_l1: k gaps (the last one 0); hist_wp: the support (k)
    double order = 1.0;               // hist_wp: p
    double uniform_gap = 0.0;         // cdf_l1: > 0 when every gap equals it (weights unused)
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

namespace pydiv {

// A set of weighted point clouds, concatenated: cloud c has the points
// coords[offsets[c] .. offsets[c+1]) (rows of `dim` doubles) with weights
// at the same positions: summing to 1 for samples_pair_block, any positive
// total for emd_pair_block (each pair is balanced there, exactly when the
// two totals agree up to a power of two).
struct CloudSet {
    const double* coords = nullptr;
    const double* weights = nullptr;
    const std::int64_t* offsets = nullptr;
    std::int64_t count = 0;
};

// W_p between every sorted 1-D sample of X and every one of Y (clouds of
// dimension 1 whose values are sorted, weights nullptr for unit weights), with
// the layouts and rules of pair_block.  Returns the number of NaN entries
// (invalid samples).
template <class Out>
std::int64_t samples_pair_block(const CloudSet& x, const CloudSet& y, double p, std::int64_t i0, std::int64_t i1,
                                bool symmetric, bool condensed, Out* out, int threads);

// W_p by exact EMD between every cloud of X and every cloud of Y, rows
// [i0, i1), with the layouts and symmetric/condensed rules of pair_block.
// Each thread reuses one solver workspace and cost buffer.  Returns the number
// of pairs that were not solved to optimality (their entries are NaN).
template <class Out>
std::int64_t emd_pair_block(const CloudSet& x, const CloudSet& y, std::int64_t dim, int ground_metric, double p,
                            double w, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed, Out* out,
                            int threads);

}  // namespace pydiv
