// The accurate KL and entropy kernels (info_scalar.hpp: kl_accurate,
// entropy_accurate) over a SIMD wrapper V, the same terms lane by lane:
// included by info_simd.hpp into each SIMD translation unit.
//
// Sums are compensated per lane (Fast2Sum: every summand is >= 0 in a valid
// row, so max(sum, v) is the larger) and the lanes merged compensated.  NaN,
// negative or infinite inputs reach the sums, so the row is reported invalid
// and the term sums (which they may spoil) are never used.
#pragma once

#include <cfloat>
#include <cmath>
#include <limits>

#include "core/simd_sums.hpp"
#include "info/info.hpp"
#include "info/info_scalar.hpp"

namespace pydiv {
namespace {

// Per-lane state of the accurate kernels, folded into an InfoPartial.
template <class V>
struct AccurateAcc {
    using vec = typename V::vec;
    vec sum_p = V::zero(), sum_p_lo = V::zero(), sum_q = V::zero(), sum_q_lo = V::zero();
    vec s = V::zero(), s_lo = V::zero(), s_diff = V::zero(), n_inf = V::zero();
    vec min_p = V::set1(std::numeric_limits<double>::infinity()), min_q = min_p;
    vec max_p = V::zero(), max_q = V::zero();

    void track(vec x, vec y) {
        fast2sum<V>(sum_p, sum_p_lo, x);
        fast2sum<V>(sum_q, sum_q_lo, y);
        min_p = V::min(min_p, x);
        min_q = V::min(min_q, y);
        max_p = V::max(max_p, x);
        max_q = V::max(max_q, y);
    }

    void fold_into(InfoPartial& out) const {
        const vec* fields[12] = {&sum_p, &sum_p_lo, &sum_q, &sum_q_lo, &s, &s_lo,
                                 &s_diff, &n_inf, &min_p, &min_q, &max_p, &max_q};
        double lanes[12][V::width];
        for (int f = 0; f < 12; ++f) V::store(lanes[f], *fields[f]);
        for (int l = 0; l < V::width; ++l) {
            InfoPartial lane;
            lane.sum_p = lanes[0][l];
            lane.sum_p_lo = lanes[1][l];
            lane.sum_q = lanes[2][l];
            lane.sum_q_lo = lanes[3][l];
            lane.s_diff = lanes[6][l];
            lane.n_inf = lanes[7][l];
            lane.min_p = lanes[8][l];
            lane.min_q = lanes[9][l];
            lane.max_p = lanes[10][l];
            lane.max_q = lanes[11][l];
            out.merge(lane);
            // s is a sum of non-negative terms: keep its lanes' compensation too.
            add_compensated(out.s, out.s_lo, lanes[4][l], lanes[5][l]);
        }
    }
};

template <class V>
typename V::vec kl_series(typename V::vec z) {
    const typename V::vec u = V::mul(z, z);
    typename V::vec poly = V::set1(scalar::kKlSeries[8]);
    for (int k = 7; k >= 0; --k) poly = V::fmadd(poly, u, V::set1(scalar::kKlSeries[k]));
    const typename V::vec one = V::set1(1.0);
    return V::mul(u, V::fmadd(V::mul(V::add(one, z), z), poly, one));
}

// log(x / y) for positive x, y: one log of the quotient where it is normal.
template <class V>
typename V::vec log_quotient(typename V::vec x, typename V::vec y, const decltype(V::table())& table) {
    const typename V::vec ratio = V::div(x, y);
    if (V::all(V::both(V::ge(ratio, V::set1(DBL_MIN)), V::le(ratio, V::set1(DBL_MAX)))))
        return V::log_normal(ratio, table);
    return V::log_ratio(x, y, table);
}

template <class V>
void simd_kl_accurate(const double* p, const double* q, std::int64_t n, double rho_hi, double rho_lo,
                      InfoPartial& out) {
    using vec = typename V::vec;
    const vec vrho_hi = V::set1(rho_hi);
    const vec vrho_lo = V::set1(rho_lo);
    const vec zero = V::zero();
    const vec one = V::set1(1.0);
    const vec series_max = V::set1(scalar::kKlSeriesMax);
    const auto& table = V::table();
    AccurateAcc<V> acc;
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const vec x = V::load(p + i);
        const vec b = V::load(q + i);
        const vec y = V::mul(vrho_hi, b);
        acc.track(x, y);
        const auto xpos = V::gt(x, zero);
        const auto ypos = V::gt(y, zero);
        acc.n_inf = V::add(acc.n_inf, V::ones_where(V::a_not_b(xpos, ypos)));
        const vec product_error = V::fmadd(vrho_hi, b, V::sub(zero, y));
        const vec diff = V::select(ypos, V::sub(V::sub(V::sub(x, y), product_error), V::mul(vrho_lo, b)), zero);
        acc.s_diff = V::add(acc.s_diff, diff);
        const auto both_pos = V::both(xpos, ypos);
        const vec z = V::div(diff, V::select(both_pos, V::add(x, y), one));
        vec term = V::mul(V::add(x, y), kl_series<V>(z));
        const auto far = V::both(both_pos, V::gt(V::abs(z), series_max));
        if (V::any(far)) {
            const vec lr = log_quotient<V>(V::select(far, x, one), V::select(far, y, one), table);
            term = V::select(far, V::fmadd(x, lr, V::sub(zero, diff)), term);
        }
        term = V::select(xpos, term, y);  // x == 0: the term is y (0 where y is too)
        term = V::select(ypos, term, zero);
        fast2sum<V>(acc.s, acc.s_lo, term);
    }
    acc.fold_into(out);
    if (i < n) scalar::kl_accurate(p + i, q + i, n - i, rho_hi, rho_lo, out);
}

template <class V>
void simd_entropy_accurate(const double* p, const double*, std::int64_t n, double a_hi, double a_lo,
                           InfoPartial& out) {
    using vec = typename V::vec;
    const vec va_hi = V::set1(a_hi);
    const vec va_lo = V::set1(a_lo);
    const vec half = V::set1(0.5 * a_hi);
    // log(A/x) = -log(x inv) + a_lo / a_hi - delta, with inv = 1 / a_hi and
    // delta = 1 - a_hi inv (exact by FMA): a product instead of a quotient,
    // with the same half-ulp rounding.
    const double inv = 1.0 / a_hi;
    const vec vinv = V::set1(inv);
    const vec correction = V::set1(a_lo / a_hi - std::fma(-a_hi, inv, 1.0));
    const vec dbl_min = V::set1(DBL_MIN);
    const vec zero = V::zero();
    const vec one = V::set1(1.0);
    const auto& table = V::table();
    // Local accumulators (not AccurateAcc's members) stay in registers.
    vec sum_p = zero, sum_p_lo = zero, s = zero, s_lo = zero, max_p = zero;
    vec min_p = V::set1(std::numeric_limits<double>::infinity());
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const vec x = V::load(p + i);
        fast2sum<V>(sum_p, sum_p_lo, x);  // q is not read: its side stays empty
        min_p = V::min(min_p, x);
        max_p = V::max(max_p, x);
        const auto xpos = V::gt(x, zero);
        const auto big = V::gt(x, half);
        const vec safe_x = V::select(xpos, x, va_hi);
        // log(A / x) as above where x <= A / 2 (x / A below the normal range: by exponents) ...
        const vec r = V::mul(safe_x, vinv);
        const vec log_r = V::all(V::ge(r, dbl_min)) ? V::log_normal(r, table) : V::log_ratio(safe_x, va_hi, table);
        vec log_a_over_x = V::sub(correction, log_r);
        if (V::any(big)) {
            // ... and log1p(t), t = ((A_hi - x) + A_lo) / x in [0, 1], beyond:
            // log(1 + t) corrected by the rounding of 1 + t.
            const vec t = V::div(V::add(V::sub(va_hi, safe_x), va_lo), safe_x);
            const vec u = V::add(one, t);
            const vec log1p_t = V::add(V::log_normal(u, table), V::div(V::sub(t, V::sub(u, one)), u));
            log_a_over_x = V::select(big, log1p_t, log_a_over_x);
        }
        fast2sum<V>(s, s_lo, V::select(xpos, V::mul(x, log_a_over_x), zero));
    }
    AccurateAcc<V> acc;
    acc.sum_p = sum_p;
    acc.sum_p_lo = sum_p_lo;
    acc.s = s;
    acc.s_lo = s_lo;
    acc.min_p = min_p;
    acc.max_p = max_p;
    acc.fold_into(out);
    if (i < n) scalar::entropy_accurate(p + i, nullptr, n - i, a_hi, a_lo, out);
}

}  // namespace
}  // namespace pydiv
