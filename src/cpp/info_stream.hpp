// Per-row partials of the streaming accumulators' accurate state
// (src/pydiv/stream.py), from the accurate kernels (info.hpp):
//
//   entropy: A = sum p (compensated), then T = sum p log(A / p) >= 0
//            (entropy_accurate, each chunk referred to its own total).
//   kl:      A = sum p and B = sum q (compensated); the weight rho of q,
//            given per row (> 0), else A / B (sum_ratio) where both are
//            positive, else none (0: T and D stay 0); then over x = p and
//            y = rho q (kl_accurate): T = sum x log(x/y) - (x - y) >= 0,
//            plus y where x == 0, and D = sum (x - y) where y > 0.
//
// Invariant: A KL(p || q) = T + A h(D / A), h(t) = t + log(1 - t), for any
// rho, so partials with the same rho add and the accumulator needs no
// second pass.  Rows are contiguous doubles.  out is rows x kStreamColumns.
#pragma once

#include <cstdint>

#include "info.hpp"

namespace pydiv {

// out columns: T, D, A_hi, A_lo, B_hi, B_lo, n_inf, rho_hi, rho_lo, valid
// (valid is 0 for a row holding NaN, a negative or +inf).
constexpr int kStreamColumns = 10;

void info_stream_partials(InfoKind kind, const RowsView<double>& p, const RowsView<double>& q,
                          const double* rho_hi, const double* rho_lo, double* out, int threads);

}  // namespace pydiv
