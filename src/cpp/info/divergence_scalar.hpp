// The scalar loops of divergence_rows (the portable table,
// divergence_baseline.cpp): the sum pass and the term pass of
// divergence_rows.hpp in column order, over rows with any column stride.
// Internal linkage, like info_scalar.hpp.
#pragma once

#include <cstdint>

#include "info/divergence_kernels.hpp"
#include "info/divergence_terms.hpp"
#include "info/info_scalar.hpp"

namespace pydiv {
namespace {
namespace divergence_scalar {

// The compensated totals of one row pair; false when a value is invalid or
// a total is out of range (divergence_total_in_range).
inline bool row_sums(const double* p, const double* q, std::int64_t n, std::int64_t ps, std::int64_t qs,
                     InfoPartial& sums) {
    bool valid = true;
    for (std::int64_t k = 0; k < n; ++k) {
        const double a = p[k * ps];
        const double b = q[k * qs];
        // !(a >= 0) is true for NaN and negatives; inf is caught by the totals.
        valid &= (a >= 0.0) & (b >= 0.0);
        scalar::add_fast2sum(sums.sum_p, sums.sum_p_lo, a);
        scalar::add_fast2sum(sums.sum_q, sums.sum_q_lo, b);
    }
    return valid && divergence_total_in_range(sums.sum_p) && divergence_total_in_range(sums.sum_q);
}

// The terms of one row pair, the row of the smaller total weighed up by the
// ratio of the totals (sigma = big / small >= 1, a double-double): weighing
// the other row down could underflow its small entries to zero, weighing up
// stays below the larger total, a normal number.  d = x - y is formed with
// the rounding of sigma * small recovered exactly.
template <class Term>
double scaled_sum(const double* small, std::int64_t ss, const double* big, std::int64_t bs, std::int64_t n,
                  double sigma_hi, double sigma_lo, double unit, bool small_is_p) {
    double s = 0.0, only_small = 0.0, only_big = 0.0;
    bool any_small = false, any_big = false;
    for (std::int64_t k = 0; k < n; ++k) {
        const double a = small[k * ss] * unit;  // exact: a power of two >= 1
        const double b = big[k * bs];
        if (a > 0.0 && b > 0.0) {
            const double t = sigma_hi * a;
            const double d = ((t - b) + scalar::product_error(sigma_hi, a, t)) + sigma_lo * a;
            s += small_is_p ? Term::both(t, b, d) : Term::both(b, t, -d);
        } else if (a > 0.0) {
            only_small += sigma_hi * a;
            any_small = true;
        } else if (b > 0.0) {
            only_big += b;
            any_big = true;
        }
    }
    // inf * 0 must not turn an absent side into NaN.
    const double coef_small = small_is_p ? Term::only_x : Term::only_y;
    const double coef_big = small_is_p ? Term::only_y : Term::only_x;
    if (any_small) s += coef_small * only_small;
    if (any_big) s += coef_big * only_big;
    return s;
}

// The term sums of one kind (the fused Bhattacharyya distance: the Hellinger
// and the coefficient's sums, two passes here).
inline TermSums row_terms(DivergenceKind kind, const double* small, std::int64_t ss, const double* big,
                          std::int64_t bs, std::int64_t n, double sigma_hi, double sigma_lo, double unit,
                          bool small_is_p) {
    TermSums t;
    switch (kind) {
        case DivergenceKind::hellinger:
            t.s = scaled_sum<terms::HellingerTerm>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            break;
        case DivergenceKind::total_variation:
            t.s = scaled_sum<terms::TotalVariationTerm>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            break;
        case DivergenceKind::bhattacharyya:
            t.s = scaled_sum<terms::BhattacharyyaTerm>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            break;
        case DivergenceKind::chi2:
            t.s = scaled_sum<terms::Chi2Term>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            break;
        case DivergenceKind::jeffreys:
            t.s = scaled_sum<terms::JeffreysTerm>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            break;
        case DivergenceKind::bhattacharyya_distance:
            t.s = scaled_sum<terms::HellingerTerm>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            t.s2 = scaled_sum<terms::BhattacharyyaTerm>(small, ss, big, bs, n, sigma_hi, sigma_lo, unit, small_is_p);
            break;
    }
    return t;
}

}  // namespace divergence_scalar
}  // namespace
}  // namespace pydiv
