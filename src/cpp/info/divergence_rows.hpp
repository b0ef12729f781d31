// The divergences between histograms that have no entropy identity:
// Hellinger, total variation, Bhattacharyya's coefficient and distance,
// Pearson's chi-squared and Jeffreys, row by row over strided views.
//
// Algorithm: two passes per row.  The first sums a (= p) and b (= q),
// compensated, and checks the values; the second adds the kind's term
// (divergence_terms.hpp) of the two rows with the one of smaller total
// weighed up by the ratio of the totals (a double-double), d = x - y formed
// exactly, so the rows as given are compared as if normalised, without a
// normalised copy and without cancellation near identity.  Columns held by
// one row only add that row's value times the term's f(1, 0) or f(0, 1).
// Rows run the SIMD table of the CPU (divergence_kernels.hpp), strided ones
// gathered into contiguous copies first, so a row's bits do not depend on
// its layout.  Every row is summed by one thread in an order fixed by its
// length, so a result does not depend on the thread count either (threads
// split the rows).
#pragma once

#include <cstdint>

#include "info/info.hpp"

namespace pydiv {

// bhattacharyya is the coefficient BC; bhattacharyya_distance is -log BC,
// taken as -log1p(-H^2) from the Hellinger sum where H^2 < 1/2 (no
// cancellation near identity) and as -log BC beyond, both sums from one pass.
enum class DivergenceKind : int {
    hellinger = 0,
    total_variation = 1,
    bhattacharyya = 2,
    chi2 = 3,
    jeffreys = 4,
    bhattacharyya_distance = 5
};

// Limits: an entry below the normal range on the smaller-total row keeps
// only its own few significant bits once weighed up, which chi2 and Jeffreys
// (whose terms divide by it) carry into the result (Hellinger, total
// variation and Bhattacharyya only in absolute terms below 1e-300); and a
// chi2 term x^2 / y beyond the double range is +inf.
//
// Natural-log results per row into out[rows]; NaN for a row that is not a
// valid distribution (NaN, negative, +inf, all zero) or whose totals left
// the normal range (the caller rescales it exactly and asks again).
// threads <= 0: the OpenMP default.
void divergence_rows(DivergenceKind kind, const RowsView<double>& p, const RowsView<double>& q, double* out,
                     int threads);

}  // namespace pydiv
