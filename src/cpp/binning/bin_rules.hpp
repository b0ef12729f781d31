// Bin-count rules of numpy.histogram_bin_edges (bins="auto", "fd", ...),
// per column of two tables on their pooled values.
//
// For column j the values of a[:, j] and b[:, j] together (NaN omitted when
// asked; with a range, only the values inside it) give a bin width h by the
// rule, as NumPy computes it (numpy >= 2.3):
//   sqrt     ptp / sqrt(n)
//   sturges  ptp / (log2(n) + 1)
//   rice     ptp / (2 n^(1/3))
//   scott    (24 sqrt(pi) / n)^(1/3) std
//   fd       2 IQR n^(-1/3), the IQR by numpy.percentile's linear method
//   doane    ptp / (1 + log2(n) + log2(1 + |g1| / sg1)), g1 the sample
//            skewness, sg1 = sqrt(6 (n - 2) / ((n + 1) (n + 3))); 0 for n <= 2
//            or std 0
//   auto     min(max(fd, sqrt / 2), sturges)
// and the column's bin count is ceil((last - first) / h) over its outer
// edges (the range, or the min and max; a constant column +- 0.5), or 1
// when h is 0 or there is no value.  For integer data a width below 1 is
// raised to 1, as NumPy does for integer arrays.  Sums (mean, std,
// skewness) are compensated, so a count can differ from NumPy's only where
// (last - first) / h lies within rounding of an integer.
#pragma once

#include <cstdint>

#include "binning/binning.hpp"

namespace pydiv::binning {

enum class BinRule { automatic, fd, sturges, sqrt, doane, scott, rice };

// Counts above this are refused (too_many_bins): the output would not fit.
constexpr std::int64_t kMaxRuleBins = std::int64_t(1) << 31;

// The rule's bin count for the n values x (reordered) on outer edges
// [first, last]; -1 when it exceeds kMaxRuleBins.
std::int64_t rule_bin_count(BinRule rule, double* x, std::int64_t n, double first, double last, bool integer_data);

// The bin count of every column of a and b (pooled) into out (cols
// entries); spec gives the range and the NaN policy.  The problems are those
// of bin_tables, and too_many_bins.
Status rule_bins(const Table& a, const Table& b, const Spec& spec, BinRule rule, bool integer_data,
                 std::int64_t* out, int threads);

}  // namespace pydiv::binning
