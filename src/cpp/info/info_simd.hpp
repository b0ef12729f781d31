// The information kernels written once over a SIMD wrapper V (Avx2 in
// simd_avx2.hpp, Avx512 in simd_avx512.hpp): each translation unit that
// includes this with its own target flags gets its own copy.
//
// Zeros follow 0 log 0 = 0 because V::log(0) is finite: every log is
// multiplied by the element it belongs to.  NaN, negative or infinite inputs
// reach the sums, so the row is reported invalid and its term sum (which
// they may spoil) is never used.
#pragma once

#include <cfloat>
#include <limits>

#include "info/info.hpp"
#include "info/info_scalar.hpp"
#include "info/info_simd_accurate.hpp"

namespace pydiv {
namespace {

// Vector accumulators of InfoPartial, folded into the scalar one at the end.
template <class V>
struct SimdAcc {
    using vec = typename V::vec;
    vec s = V::zero();
    vec sum_p = V::zero();
    vec sum_q = V::zero();
    vec min_p = V::set1(std::numeric_limits<double>::infinity());
    vec min_q = V::set1(std::numeric_limits<double>::infinity());
    vec max_p = V::zero();
    vec max_q = V::zero();
    vec n_inf = V::zero();

    void track(vec x, vec y) {
        sum_p = V::add(sum_p, x);
        sum_q = V::add(sum_q, y);
        min_p = V::min(min_p, x);
        min_q = V::min(min_q, y);
        max_p = V::max(max_p, x);
        max_q = V::max(max_q, y);
    }

    // track(), and count in n_inf the elements where x > 0 meets y == 0
    // (KL, cross-entropy); returns the mask of y > 0.
    auto track_support(vec x, vec y) {
        track(x, y);
        const auto ypos = V::gt(y, V::zero());
        n_inf = V::add(n_inf, V::ones_where(V::a_not_b(V::gt(x, V::zero()), ypos)));
        return ypos;
    }

    void fold_into(InfoPartial& out) const {
        double lanes[8][V::width];
        V::store(lanes[0], s);
        V::store(lanes[1], sum_p);
        V::store(lanes[2], sum_q);
        V::store(lanes[3], min_p);
        V::store(lanes[4], min_q);
        V::store(lanes[5], max_p);
        V::store(lanes[6], max_q);
        V::store(lanes[7], n_inf);
        for (int l = 0; l < V::width; ++l) {
            InfoPartial lane;
            lane.s = lanes[0][l];
            lane.sum_p = lanes[1][l];
            lane.sum_q = lanes[2][l];
            lane.min_p = lanes[3][l];
            lane.min_q = lanes[4][l];
            lane.max_p = lanes[5][l];
            lane.max_q = lanes[6][l];
            lane.n_inf = lanes[7][l];
            out.merge(lane);
        }
    }
};

// Runs `step` over whole vectors and the scalar kernel over the tail.
template <class V, class Step>
void simd_run(const double* p, const double* q, std::int64_t n, double sp, double sq, InfoPartial& out,
              Step step, InfoChunkKernel tail) {
    SimdAcc<V> acc;
    const typename V::vec vsp = V::set1(sp);
    const typename V::vec vsq = V::set1(sq);
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const typename V::vec x = V::mul(V::load(p + i), vsp);
        const typename V::vec y = q ? V::mul(V::load(q + i), vsq) : V::zero();
        step(x, y, acc);
    }
    acc.fold_into(out);
    if (i < n) tail(p + i, q ? q + i : nullptr, n - i, sp, sq, out);
}

template <class V>
void simd_entropy(const double* p, const double*, std::int64_t n, double sp, double sq, InfoPartial& out) {
    using vec = typename V::vec;
    const auto& table = V::table();
    simd_run<V>(
        p, nullptr, n, sp, sq, out,
        [&](vec x, vec, SimdAcc<V>& acc) {
            acc.sum_p = V::add(acc.sum_p, x);
            acc.min_p = V::min(acc.min_p, x);
            acc.max_p = V::max(acc.max_p, x);
            acc.s = V::fmadd(x, V::log(x, table), acc.s);
        },
        scalar::entropy);
}

template <class V>
void simd_cross_entropy(const double* p, const double* q, std::int64_t n, double sp, double sq,
                        InfoPartial& out) {
    using vec = typename V::vec;
    const vec one = V::set1(1.0);
    const auto& table = V::table();
    simd_run<V>(
        p, q, n, sp, sq, out,
        [&](vec x, vec y, SimdAcc<V>& acc) {
            const auto ypos = acc.track_support(x, y);
            // y == 0 counts in n_inf and adds nothing to s.
            acc.s = V::fmadd(x, V::log(V::select(ypos, y, one), table), acc.s);
        },
        scalar::cross_entropy);
}

template <class V>
void simd_kl(const double* p, const double* q, std::int64_t n, double sp, double sq, InfoPartial& out) {
    using vec = typename V::vec;
    const vec one = V::set1(1.0);
    const vec ratio_min = V::set1(DBL_MIN);
    const vec ratio_max = V::set1(DBL_MAX);
    const auto& table = V::table();
    simd_run<V>(
        p, q, n, sp, sq, out,
        [&](vec x, vec y, SimdAcc<V>& acc) {
            const auto ypos = acc.track_support(x, y);
            const auto valid = V::both(V::gt(x, V::zero()), ypos);
            const vec ratio = V::select(valid, V::div(x, y), one);
            vec lr;
            if (V::all(V::both(V::ge(ratio, ratio_min), V::le(ratio, ratio_max)))) {
                lr = V::log_normal(ratio, table);
            } else {
                // Rare: the quotient over- or underflows; split the exponents.
                lr = V::log_ratio(V::select(valid, x, one), V::select(valid, y, one), table);
            }
            acc.s = V::fmadd(x, lr, acc.s);
        },
        scalar::kl);
}

// Jensen-Shannon terms as in info_scalar.hpp (js_logs, js_series).  r_big
// lies in [1, 2] and r_small in [2^-53, 1]: both normal, so the logs skip
// the subnormal test.
template <class V>
typename V::vec js_small_log(typename V::vec r_big, const decltype(V::table())& table) {
    return V::log_normal(V::max(V::sub(V::set1(2.0), r_big), V::set1(0x1p-53)), table);
}

template <class V>
typename V::vec js_series(typename V::vec w) {
    const typename V::vec u = V::mul(w, w);
    typename V::vec poly = V::set1(scalar::kJsSeries[8]);
    for (int k = 7; k >= 0; --k) poly = V::fmadd(poly, u, V::set1(scalar::kJsSeries[k]));
    return V::mul(u, poly);
}

// x + y, or the smallest subnormal where both are zero: big is 0 there, so
// r = 0 and the term is 0 * log(0) + 0 * log(2) = 0.
template <class V>
typename V::vec positive_sum(typename V::vec x, typename V::vec y) {
    return V::max(V::add(x, y), V::set1(DBL_TRUE_MIN));
}

template <class V>
void simd_js(const double* p, const double* q, std::int64_t n, double sp, double sq, InfoPartial& out) {
    using vec = typename V::vec;
    const vec vsp = V::set1(sp);
    const vec vsq = V::set1(sq);
    const auto& table = V::table();
    vec s_big = V::zero();
    vec s_small = V::zero();
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const vec x = V::mul(V::load(p + i), vsp);
        const vec y = V::mul(V::load(q + i), vsq);
        const vec big = V::max(x, y);
        const vec small = V::min(x, y);
        const vec r_big = V::div(V::add(big, big), positive_sum<V>(x, y));
        s_big = V::fmadd(big, V::log_normal(r_big, table), s_big);
        s_small = V::fmadd(small, js_small_log<V>(r_big, table), s_small);
    }
    const double big_part = lane_sum<V>(s_big);
    out.s += big_part + lane_sum<V>(s_small);
    out.js_big += big_part;
    if (i < n) scalar::js(p + i, q + i, n - i, sp, sq, out);
}

// As scalar::js_accurate: the terms of p and rho q, rho = (sp, sq) as a double-double.
template <class V>
void simd_js_accurate(const double* p, const double* q, std::int64_t n, double rho_hi, double rho_lo,
                      InfoPartial& out) {
    using vec = typename V::vec;
    const vec vrho_hi = V::set1(rho_hi);
    const vec vrho_lo = V::set1(rho_lo);
    const vec series_max = V::set1(scalar::kJsSeriesMax);
    const auto& table = V::table();
    SimdAcc<V> acc;
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const vec x = V::load(p + i);
        const vec b = V::load(q + i);
        const vec y = V::mul(vrho_hi, b);
        acc.track(x, y);
        const vec sum = positive_sum<V>(x, y);
        const vec product_error = V::fmadd(vrho_hi, b, V::sub(V::zero(), y));
        const vec diff = V::sub(V::sub(V::sub(x, y), product_error), V::mul(vrho_lo, b));
        const vec w = V::div(V::abs(diff), sum);
        vec term = V::mul(sum, js_series<V>(w));
        const auto far = V::gt(w, series_max);
        if (V::any(far)) {
            const vec r_big = V::add(V::set1(1.0), w);
            const vec logs = V::fmadd(V::max(x, y), V::log_normal(r_big, table),
                                      V::mul(V::min(x, y), js_small_log<V>(r_big, table)));
            term = V::select(far, logs, term);
        }
        acc.s = V::add(acc.s, term);
    }
    acc.fold_into(out);
    if (i < n) scalar::js_accurate(p + i, q + i, n - i, rho_hi, rho_lo, out);
}

template <class V>
void simd_sums(const double* p, const double* q, std::int64_t n, double sp, double sq, InfoPartial& out) {
    using vec = typename V::vec;
    simd_run<V>(p, q, n, sp, sq, out, [&](vec x, vec y, SimdAcc<V>& acc) { acc.track(x, y); }, scalar::sums);
}

// The sums compensated per lane, as scalar::sums_compensated.
template <class V>
void simd_sums_compensated(const double* p, const double* q, std::int64_t n, double sp, double sq,
                           InfoPartial& out) {
    using vec = typename V::vec;
    vec lo_p = V::zero();
    vec lo_q = V::zero();
    simd_run<V>(
        p, q, n, sp, sq, out,
        [&](vec x, vec y, SimdAcc<V>& acc) {
            const vec tp = V::add(acc.sum_p, x);
            const vec tq = V::add(acc.sum_q, y);
            lo_p = V::add(lo_p, V::add(V::sub(V::max(acc.sum_p, x), tp), V::min(acc.sum_p, x)));
            lo_q = V::add(lo_q, V::add(V::sub(V::max(acc.sum_q, y), tq), V::min(acc.sum_q, y)));
            acc.track(x, y);
        },
        scalar::sums_compensated);
    out.sum_p_lo += lane_sum<V>(lo_p);
    out.sum_q_lo += lane_sum<V>(lo_q);
}

template <class V>
void simd_xlogx(const double* x, double* out, std::int64_t n) {
    using vec = typename V::vec;
    const auto& table = V::table();
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const vec v = V::load(x + i);
        V::store(out + i, V::mul(v, V::log(v, table)));
    }
    scalar::xlogx(x + i, out + i, n - i);
}

// Identical rows give exactly 0: m == x, and m log m is then computed by the
// same operations as the precomputed x log x.
template <class V>
double simd_js_pair(const double* x, const double* xlx, const double* y, const double* yly, std::int64_t n,
                    double& mixture_entropy) {
    using vec = typename V::vec;
    const vec half = V::set1(0.5);
    const auto& table = V::table();
    vec s = V::zero();
    vec mlm_sum = V::zero();
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) {
        const vec m = V::mul(half, V::add(V::load(x + i), V::load(y + i)));
        const vec mlm = V::mul(m, V::log(m, table));
        s = V::add(s, V::sub(V::mul(half, V::add(V::load(xlx + i), V::load(yly + i))), mlm));
        mlm_sum = V::add(mlm_sum, mlm);
    }
    const double v = scalar::js_pair(x + i, xlx + i, y + i, yly + i, n - i, mixture_entropy);
    mixture_entropy -= lane_sum<V>(mlm_sum);
    return lane_sum<V>(s) + v;
}

// |a_i - b_i| (times w_i when w is given) for one vector of elements.
template <class V, bool Weighted>
typename V::vec l1_term(typename V::vec a, typename V::vec b, const double* w) {
    const typename V::vec d = V::abs(V::sub(a, b));
    if constexpr (Weighted) return V::mul(d, V::load(w));
    return d;
}

// Four rows of B against one row a: each loaded vector of a serves four
// rows, and two accumulators per row hide the latency of the adds.  The
// tail is one masked vector, so the lane a term lands in depends only on its
// position: every pairing of rows sums in the same order.
template <class V, bool Weighted>
void l1_four(const double* a, const double* const b[4], const double* w, std::int64_t n, double* out) {
    using vec = typename V::vec;
    constexpr std::int64_t W = V::width;
    vec even[4] = {V::zero(), V::zero(), V::zero(), V::zero()};
    vec odd[4] = {V::zero(), V::zero(), V::zero(), V::zero()};
    std::int64_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        const vec a0 = V::load(a + i);
        const vec a1 = V::load(a + i + W);
        for (int r = 0; r < 4; ++r) {
            even[r] = V::add(even[r], l1_term<V, Weighted>(a0, V::load(b[r] + i), w + i));
            odd[r] = V::add(odd[r], l1_term<V, Weighted>(a1, V::load(b[r] + i + W), w + i + W));
        }
    }
    for (; i < n; i += W) {
        const std::int64_t len = n - i < W ? n - i : W;
        const vec ai = V::load_first(a + i, len);
        for (int r = 0; r < 4; ++r) {
            vec d = V::abs(V::sub(ai, V::load_first(b[r] + i, len)));
            if constexpr (Weighted) d = V::mul(d, V::load_first(w + i, len));
            even[r] = V::add(even[r], d);
        }
    }
    for (int r = 0; r < 4; ++r) out[r] = lane_sum<V>(V::add(even[r], odd[r]));
}

template <class V>
void simd_l1_rows(const double* a, const double* b, std::int64_t ldb, std::int64_t count, const double* w,
                  std::int64_t n, double* out) {
    for (std::int64_t c = 0; c < count; c += 4) {
        // A short last group repeats its final row; only `count` results are kept.
        const double* rows[4];
        for (int r = 0; r < 4; ++r) rows[r] = b + (c + r < count ? c + r : count - 1) * ldb;
        double four[4];
        if (w)
            l1_four<V, true>(a, rows, w, n, four);
        else
            l1_four<V, false>(a, rows, nullptr, n, four);
        for (std::int64_t r = 0; r < 4 && c + r < count; ++r) out[c + r] = four[r];
    }
}

template <class V>
InfoKernelTable simd_info_kernels() {
    return {simd_entropy<V>,     simd_cross_entropy<V>, simd_kl<V>, simd_js<V>,
            simd_js_accurate<V>, simd_kl_accurate<V>,   simd_entropy_accurate<V>,
            simd_sums<V>,        simd_sums_compensated<V>,
            simd_xlogx<V>,       simd_js_pair<V>,       simd_l1_rows<V>};
}

}  // namespace
}  // namespace pydiv
