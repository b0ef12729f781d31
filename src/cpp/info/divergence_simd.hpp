// The divergence kernels of divergence_kernels.hpp written once over a SIMD
// wrapper V (Avx2 in simd_avx2.hpp, Avx512 in simd_avx512.hpp): each
// translation unit that includes this with its own target flags gets its
// own copy, compiled without FMA contraction (only the explicit FMA of the
// error-free product is fused).
//
// Lane l of a vector accumulator takes the columns k = l mod width, the last
// partial vector through a masked load (zeros, which add nothing), and the
// lanes are folded in lane order: the order of every sum depends on the row
// length only.  The terms are those of divergence_terms.hpp, rearranged for
// vectors but still free of cancellation:
//   Hellinger      d^2 / (x + y + 2 sqrt(x y))      (= d^2 / (sqrt x + sqrt y)^2)
//   Bhattacharyya  sqrt(x y)                        (sqrt x sqrt y where x y leaves the range)
//   chi2           (d / y_q) d                      (y_q the column of q)
//   Jeffreys       |d| log1p(|d| / min(x, y))       (= d log(x / y), one log, argument >= 1)
// Lanes where x or y is zero go to the one-row sums instead (their values
// in the term formulas are replaced by 1 first, so nothing there is NaN).
#pragma once

#include <cfloat>
#include <limits>
#include <type_traits>

#include "core/simd_sums.hpp"
#include "info/divergence_kernels.hpp"
#include "info/divergence_terms.hpp"
#include "info/info.hpp"

namespace pydiv {
namespace {
namespace divergence_simd {

template <class V>
using Table = decltype(V::table());

// The sum pass: per-lane compensated totals, folded in lane order.  NaN
// reaches the totals (min would drop it), negatives the minimum.
template <class V>
bool sums(const double* p, const double* q, std::int64_t n, InfoPartial& out) {
    using vec = typename V::vec;
    vec sp = V::zero(), lp = V::zero(), sq = V::zero(), lq = V::zero();
    vec low = V::set1(std::numeric_limits<double>::infinity());
    const auto step = [&](vec x, vec y) {
        fast2sum<V>(sp, lp, x);
        fast2sum<V>(sq, lq, y);
        low = V::min(low, V::min(x, y));
    };
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) step(V::load(p + i), V::load(q + i));
    if (i < n) step(V::load_first(p + i, n - i), V::load_first(q + i, n - i));
    double lanes[5][V::width];
    V::store(lanes[0], sp);
    V::store(lanes[1], lp);
    V::store(lanes[2], sq);
    V::store(lanes[3], lq);
    V::store(lanes[4], low);
    bool valid = true;
    for (int l = 0; l < V::width; ++l) {
        add_compensated(out.sum_p, out.sum_p_lo, lanes[0][l], lanes[1][l]);
        add_compensated(out.sum_q, out.sum_q_lo, lanes[2][l], lanes[3][l]);
        valid &= lanes[4][l] >= 0.0;
    }
    return valid && divergence_total_in_range(out.sum_p) && divergence_total_in_range(out.sum_q);
}

// sqrt(x y) for positive x, y; the product's range is checked once per vector.
template <class V>
typename V::vec sqrt_product(typename V::vec x, typename V::vec y) {
    const typename V::vec xy = V::mul(x, y);
    const auto in_range = V::both(V::ge(xy, V::set1(DBL_MIN)), V::le(xy, V::set1(DBL_MAX)));
    if (V::all(in_range)) return V::sqrt(xy);
    return V::select(in_range, V::sqrt(xy), V::mul(V::sqrt(x), V::sqrt(y)));
}

// Per-kind vector terms of x, y > 0 (safe lanes: both were positive, or 1
// where not), d = x - y exact; `both` marks the lanes that count.
struct Hellinger {
    static constexpr double only_small = 1.0, only_big = 1.0;
    template <class V, bool SmallIsP>
    static void add(typename V::vec x, typename V::vec y, typename V::vec d, typename V::mask both,
                    typename V::vec& s, typename V::vec&, const Table<V>&) {
        const typename V::vec root = sqrt_product<V>(x, y);
        const typename V::vec r2 = V::add(V::add(x, y), V::add(root, root));
        s = V::add(s, V::select(both, V::mul(V::div(d, r2), d), V::zero()));  // d / r2 <= 1: no underflow of d^2
    }
};

struct TotalVariation {
    static constexpr double only_small = 1.0, only_big = 1.0;
    template <class V, bool SmallIsP>
    static void add(typename V::vec, typename V::vec, typename V::vec d, typename V::mask both, typename V::vec& s,
                    typename V::vec&, const Table<V>&) {
        s = V::add(s, V::select(both, V::abs(d), V::zero()));
    }
};

struct Bhattacharyya {
    static constexpr double only_small = 0.0, only_big = 0.0;
    template <class V, bool SmallIsP>
    static void add(typename V::vec x, typename V::vec y, typename V::vec, typename V::mask both,
                    typename V::vec& s, typename V::vec&, const Table<V>&) {
        s = V::add(s, V::select(both, sqrt_product<V>(x, y), V::zero()));
    }
};

// The Hellinger sum in s and the coefficient's in s2, from one sqrt(x y).
struct BhattacharyyaDistance {
    static constexpr double only_small = 1.0, only_big = 1.0;  // the Hellinger sum's; the coefficient's are 0
    template <class V, bool SmallIsP>
    static void add(typename V::vec x, typename V::vec y, typename V::vec d, typename V::mask both,
                    typename V::vec& s, typename V::vec& s2, const Table<V>&) {
        const typename V::vec root = sqrt_product<V>(x, y);
        const typename V::vec r2 = V::add(V::add(x, y), V::add(root, root));
        s = V::add(s, V::select(both, V::mul(V::div(d, r2), d), V::zero()));
        s2 = V::add(s2, V::select(both, root, V::zero()));
    }
};

// (p - q)^2 / q: the column of q is y where small is p, x otherwise (d's
// sign does not matter in (d / y) d).
struct Chi2 {
    static constexpr double kInf = std::numeric_limits<double>::infinity();
    template <bool SmallIsP>
    static constexpr double only_small_of() { return SmallIsP ? kInf : 1.0; }
    template <bool SmallIsP>
    static constexpr double only_big_of() { return SmallIsP ? 1.0 : kInf; }
    template <class V, bool SmallIsP>
    static void add(typename V::vec x, typename V::vec y, typename V::vec d, typename V::mask both,
                    typename V::vec& s, typename V::vec&, const Table<V>&) {
        const typename V::vec q_side = SmallIsP ? y : x;
        s = V::add(s, V::select(both, V::mul(V::div(d, q_side), d), V::zero()));
    }
};

// |d| log(max / min) with max / min = 1 + r, r = |d| / min >= 0: log(u) for
// u = 1 + r plus the rounding of u, (r - (u - 1)) / u, taken as r - (u - 1)
// (exact for r <= 1, where 1 / u is within r of 1; dropped above, where it
// is below an ulp of log u >= log 2).  Quotients beyond 1e300 (a subnormal
// next to a large value): the log of max / min by exponent and mantissa.
struct Jeffreys {
    static constexpr double only_small = std::numeric_limits<double>::infinity();
    static constexpr double only_big = std::numeric_limits<double>::infinity();
    template <class V, bool SmallIsP>
    static void add(typename V::vec x, typename V::vec y, typename V::vec d, typename V::mask both,
                    typename V::vec& s, typename V::vec&, const Table<V>& table) {
        using vec = typename V::vec;
        const vec one = V::set1(1.0);
        const vec lo = V::min(x, y);
        const vec ad = V::abs(d);
        const vec r = V::div(ad, lo);
        const auto near = V::le(r, V::set1(1e300));
        const vec u = V::add(one, V::min(r, V::set1(1e300)));
        const vec rounding = V::select(V::le(r, one), V::sub(r, V::sub(u, one)), V::zero());
        vec log_ratio = V::add(V::log_normal(u, table), rounding);
        if (!V::all(near)) log_ratio = V::select(near, log_ratio, V::log_ratio(V::max(x, y), lo, table));
        s = V::add(s, V::select(both, V::mul(ad, log_ratio), V::zero()));
    }
};

template <class Kind, bool SmallIsP>
constexpr double only_small_coef() {
    if constexpr (std::is_same_v<Kind, Chi2>) return Kind::template only_small_of<SmallIsP>();
    else return Kind::only_small;
}

template <class Kind, bool SmallIsP>
constexpr double only_big_coef() {
    if constexpr (std::is_same_v<Kind, Chi2>) return Kind::template only_big_of<SmallIsP>();
    else return Kind::only_big;
}

// The term pass: x = sigma_hi a + (its rounding, by FMA) + sigma_lo a (a the
// small row times unit), as
// divergence_scalar::scaled_sum forms d.
template <class V, class Kind, bool SmallIsP>
TermSums terms_oriented(const double* small, const double* big, std::int64_t n, double sigma_hi,
                        double sigma_lo, double unit) {
    using vec = typename V::vec;
    const vec zero = V::zero();
    const vec one = V::set1(1.0);
    const vec vhi = V::set1(sigma_hi);
    const vec vlo = V::set1(sigma_lo);
    const vec vunit = V::set1(unit);
    const auto& table = V::table();
    vec s = zero, s2 = zero, only_small = zero, only_big = zero;
    const auto step = [&](vec a, vec b) {
        a = V::mul(a, vunit);  // exact: a power of two >= 1
        const auto apos = V::gt(a, zero);
        const auto bpos = V::gt(b, zero);
        const auto both = V::both(apos, bpos);
        const vec t = V::mul(vhi, a);
        const vec d = V::add(V::add(V::sub(t, b), V::fmadd(vhi, a, V::sub(zero, t))), V::mul(vlo, a));
        Kind::template add<V, SmallIsP>(V::select(both, t, one), V::select(both, b, one), V::select(both, d, zero),
                                        both, s, s2, table);
        only_small = V::add(only_small, V::select(V::a_not_b(apos, bpos), t, zero));
        only_big = V::add(only_big, V::select(V::a_not_b(bpos, apos), b, zero));
    };
    std::int64_t i = 0;
    for (; i + V::width <= n; i += V::width) step(V::load(small + i), V::load(big + i));
    if (i < n) step(V::load_first(small + i, n - i), V::load_first(big + i, n - i));
    TermSums out;
    out.s = lane_sum<V>(s);
    out.s2 = lane_sum<V>(s2);
    // Sums of positive values: zero exactly when no column is held by one
    // row only (inf * 0 must not turn an absent side into NaN).
    const double small_only = lane_sum<V>(only_small);
    const double big_only = lane_sum<V>(only_big);
    if (small_only > 0.0) out.s += only_small_coef<Kind, SmallIsP>() * small_only;
    if (big_only > 0.0) out.s += only_big_coef<Kind, SmallIsP>() * big_only;
    return out;
}

template <class V, class Kind>
TermSums terms(const double* small, const double* big, std::int64_t n, double sigma_hi, double sigma_lo,
               double unit, bool small_is_p) {
    // Only chi2 is asymmetric; the other kinds need one orientation.
    if constexpr (!std::is_same_v<Kind, Chi2>) {
        return terms_oriented<V, Kind, true>(small, big, n, sigma_hi, sigma_lo, unit);
    } else {
        return small_is_p ? terms_oriented<V, Kind, true>(small, big, n, sigma_hi, sigma_lo, unit)
                          : terms_oriented<V, Kind, false>(small, big, n, sigma_hi, sigma_lo, unit);
    }
}

template <class V>
DivergenceKernelTable kernels() {
    return {sums<V>,
            {terms<V, Hellinger>, terms<V, TotalVariation>, terms<V, Bhattacharyya>, terms<V, Chi2>,
             terms<V, Jeffreys>, terms<V, BhattacharyyaDistance>}};
}

}  // namespace divergence_simd
}  // namespace
}  // namespace pydiv
