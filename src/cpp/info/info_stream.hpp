// Per-row partials of the streaming accumulators' accurate state
// (src/pydiv/stream.py), from the accurate kernels (info.hpp):
//
//   entropy: A = sum p (compensated), then T = sum p log(A / p) >= 0
//            (entropy_accurate, each chunk referred to its own total).
//   kl:      A = sum p and B = sum q (compensated); the weight of q is
//            rho = A / B (sum_ratio) where both are positive, else none
//            (T and D stay 0); then over x = p and y = rho q (kl_accurate):
//            T = sum x log(x/y) - (x - y) >= 0, plus y where x == 0, and
//            D = sum (x - y) where y > 0.
//   cross_entropy: both from one pass of sums (KL's T, and entropy's T
//            in D's column).
//
// Invariant: A KL(p || q) = T + A h(D / A), h(t) = t + log(1 - t), for any
// rho; at the chunk's own rho = A / B (double-double), D / A is below 1e-30
// and A KL = T.  Rows are contiguous doubles.  out is rows x kStreamColumns.
//
// kl_merge_gain: two parts x, y of a row, each with A KL = T at its own
// rho, merge by the chain rule of KL,
//     A KL = T_x + T_y + A KL((A_x, A_y) / A || (B_x, B_y) / B),
// the last a two-bin KL whose terms are >= 0 (computed as kl_accurate does:
// x - y from the exact determinant A_x B_y - A_y B_x, the series near 0).
// Nothing cancels, whatever the parts' ratios, and no ratio A / B is
// formed, so totals any powers of two apart merge.
#pragma once

#include <cstdint>

#include "info/info.hpp"

namespace pydiv {

// out columns: T, D (cross-entropy: entropy's T), A_hi, A_lo, B_hi, B_lo,
// n_inf, rho_hi, rho_lo, valid (0 for a row holding NaN, a negative or +inf).
constexpr int kStreamColumns = 10;

void info_stream_partials(InfoKind kind, const RowsView<double>& p, const RowsView<double>& q, double* out,
                          int threads);

// totals: rows x 8 (A_x, A_x_lo, B_x, B_x_lo, A_y, A_y_lo, B_y, B_y_lo),
// each side of both parts in the same units; out[i] = the two-bin term
// above, in A's units (0 where A or B is 0, +inf where a part has A > 0 = B).
void kl_merge_gain(const double* totals, std::int64_t rows, double* out);

}  // namespace pydiv
