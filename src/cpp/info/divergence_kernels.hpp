// The inner loops of divergence_rows (divergence_rows.hpp) over contiguous
// rows, one table per SIMD level chosen at run time (cpu_features.hpp), as
// the information kernels do (info.hpp): a sum pass and, per kind, a term
// pass.  Every table computes the same quantities; they differ only in the
// order of the sums (fixed per table, never per thread count) and in the
// rounding of the terms (a few ulp each, all of them free of cancellation).
#pragma once

#include <cstdint>
#include <limits>

#include "info/divergence_rows.hpp"
#include "info/info.hpp"

namespace pydiv {

constexpr int kDivergenceKinds = 6;

// The term sums of a row pair: s, and (the fused Bhattacharyya distance
// only) s2, the coefficient's sum beside the Hellinger sum in s.  Columns
// held by one row only are included (Term::only_x, only_y).
struct TermSums {
    double s = 0.0;
    double s2 = 0.0;
};

// sums: the compensated totals of p and q (sum_p + sum_p_lo, sum_q + sum_q_lo);
// false when a value is NaN or negative, or a total is not normal or above
// 1e300 (an infinite value makes its total so).
using DivergenceSumsKernel = bool (*)(const double* p, const double* q, std::int64_t n, InfoPartial& sums);
// The terms of x = sigma * unit * small (sigma = sigma_hi + sigma_lo >= 1;
// unit a power of two >= 1, 1 unless the totals are more than 2^600 apart,
// when sigma alone could overflow) and y = big, d = x - y formed exactly,
// with small the row of p when small_is_p.
using DivergenceTermsKernel = TermSums (*)(const double* small, const double* big, std::int64_t n,
                                           double sigma_hi, double sigma_lo, double unit, bool small_is_p);

struct DivergenceKernelTable {
    DivergenceSumsKernel sums;
    DivergenceTermsKernel terms[kDivergenceKinds];  // indexed by DivergenceKind
};

// Whether a row's total lets the term pass run unscaled: weighing the
// smaller-total row up stays below the larger total.
inline bool divergence_total_in_range(double total) {
    return total >= std::numeric_limits<double>::min() && total <= 1e300;
}

// The result of one contiguous row pair through `table` (divergence_rows
// gives every row this value, whatever its layout and the thread count).
double divergence_row(DivergenceKind kind, const DivergenceKernelTable& table, const double* p, const double* q,
                      std::int64_t n);

// The table of the SIMD level in use.
const DivergenceKernelTable& divergence_kernels();

DivergenceKernelTable divergence_kernels_baseline();
#if defined(__x86_64__) || defined(_M_X64)
DivergenceKernelTable divergence_kernels_avx2();
DivergenceKernelTable divergence_kernels_avx512();
#endif

}  // namespace pydiv
