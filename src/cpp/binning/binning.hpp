// Shared-edge histograms of two sample tables, one column (feature) at a time.
//
// For every column j the values of a[:, j] and b[:, j] are binned on the same
// edges, chosen in one of four ways:
//   * uniform:  numpy.histogram_bin_edges(concat(a_j, b_j), bins, range) for an
//               integer bins: linspace(lo, hi, bins + 1) computed as numpy does
//               (edge i = i * step + lo, the last edge = hi exactly), where
//               [lo, hi] is `range` or the min and max of both columns (a
//               constant column gets [v - 0.5, v + 0.5]; no value at all, [0, 1]);
//   * explicit: the caller's increasing edges, the same for every column;
//   * quantile: numpy.quantile(a_j, linspace(0, 1, k + 1)) (linear method,
//               numpy's interpolation rounding), the outer edges set to the min
//               and max of both columns, repeated edges collapsed; a column
//               left with m < k bins has its counts padded with zero bins and
//               its edges padded by repeating the last edge;
//   * per column: uniform edges as above, with a bin count of its own per
//               column (a rule's, bin_rules.hpp), each column padded to the
//               largest count as the quantile edges are.
// Counting follows numpy.histogram on those edges: bin i holds
// edges[i] <= x < edges[i + 1], the last bin is closed, values outside
// [edges[0], edges[last]] are dropped.  Uniform edges get an arithmetic index
// that is then corrected against the actual edge values, so the result never
// depends on the rounding of the division; explicit and quantile edges use a
// binary search.  With weights (a weight per value) a bin holds the sum of
// its values' weights instead of their number.
//
// Invariants: NaN is an error or skipped (omit_nan), +-inf is always an
// error; unweighted counts are exact integers stored as double; columns are independent,
// so they are split across OpenMP threads in blocks whose values are first
// copied out of the (possibly strided) table into contiguous buffers.
#pragma once

#include <cstdint>

namespace pydiv::binning {

// A (rows, cols) table of doubles with element strides.
struct Table {
    const double* data;
    std::int64_t rows;
    std::int64_t cols;
    std::int64_t row_stride;
    std::int64_t col_stride;
};

enum class EdgeKind { uniform, explicit_edges, quantile, per_column };

struct Spec {
    EdgeKind kind;
    std::int64_t bins;          // bins per column (per_column: the largest count)
    const double* edges;        // explicit: bins + 1 increasing edges
    bool has_range;             // uniform and per_column
    double lo, hi;
    bool omit_nan;
    const std::int64_t* column_bins = nullptr;  // per_column: cols counts, each in [1, bins]
};

// Optional weights of the values of a and b: tables of the same shape as
// theirs (col_stride 0 for one weight per row), or null for unit weights.
struct Weights {
    const Table* a = nullptr;
    const Table* b = nullptr;
};

enum class Problem { none, nan, inf, empty_reference, too_many_bins };

struct Status {
    Problem problem = Problem::none;
    std::int64_t column = -1;  // the first (lowest) bad column
    char dataset = 'a';        // which table held it
};

// counts_a, counts_b: cols * bins; edges_out: cols * (bins + 1), row-major.
Status bin_tables(const Table& a, const Table& b, const Spec& spec, double* counts_a, double* counts_b,
                  double* edges_out, int threads, const Weights& weights = {});

}  // namespace pydiv::binning
