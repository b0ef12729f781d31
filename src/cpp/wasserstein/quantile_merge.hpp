// The quantile merge of two sorted samples (W_p, p != 1) and the paired
// pass for equal sizes with unit weights.  Plain C++17, no Python.
//
// W_p^p = int_0^1 |F_u^-1(s) - F_v^-1(s)|^p ds.  Both quantile functions are
// step functions whose breakpoints are the cumulative weight levels
// cu(i) / Wu and cv(j) / Wv.  One merge walks the breakpoints of both.
// Invariant: the current piece is [prev, e) with
// e = min(level_u(i), level_v(j)), on which F_u^-1 = x_i and F_v^-1 = y_j;
// it adds (e - prev) * |x_i - y_j|^p and advances every side whose level
// equals e.  With unit weights the levels are the exact integers
// (i + 1) * nv and (j + 1) * nu.  One bounds-checked chain: its keys are
// running sums, so it cannot be split without O(n) scratch memory.
//
// Equal sizes, unit weights: both quantile functions step at k / n, so
// W_p^p = mean |u_(k) - v_(k)|^p exactly; this (vectorisable) pass is used
// for every p, including p = 1, in blocks summed in block order (the result
// does not depend on the thread count).
//
// Powers are taken of (x - y) / scale with scale an exact power of two above
// the largest |x - y|, so no power overflows; the scale is multiplied back
// after the p-th root.  (Villani, "Optimal transport, old and new", 2009,
// ch. 2, for the quantile form of W_p on the line.)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "wasserstein/w1d_support.hpp"

namespace pydiv {
namespace w1d {

// ------------------------------------------------------------- quantile merge
// Returns the integral of pw(x - y) over the quantile levels, with levels
// scaled by the same su, sv as the CDF merge (unit: nu * nv; weighted: 1).
template <class Pow, class XU, class WU, class XV, class WV>
double quantile_integral(XU x, WU wu, index_t nu, XV y, WV wv, index_t nv, double su, double sv,
                         Pow pw) {
    double acc = 0.0;
    if constexpr (WU::unit && WV::unit) {
        // Levels (i + 1) * nv and (j + 1) * nu: exact integers.
        index_t i = 0, j = 0;
        index_t lu = nv, lv = nu, prev = 0;
        for (;;) {
            const index_t e = lu < lv ? lu : lv;
            acc += static_cast<double>(e - prev) * pw(x[i] - y[j]);
            prev = e;
            const bool au = lu <= lv, av = lv <= lu;
            i += au;
            j += av;
            lu += au ? nv : 0;
            lv += av ? nu : 0;
            if (i >= nu || j >= nv) break;
        }
    } else {
        index_t i = 0, j = 0;
        double cu = wu[0], cv = wv[0], prev = 0.0;
        for (;;) {
            const double eu = cu * su, ev = cv * sv;
            const double e = ev < eu ? ev : eu;  // minsd
            acc += (e - prev) * pw(x[i] - y[j]);
            prev = e;
            const bool au = eu <= ev, av = ev <= eu;
            i += au;
            j += av;
            if (i >= nu || j >= nv) break;
            // Arithmetic selects (a `?:` here becomes a mispredicted branch).
            cu += static_cast<double>(au) * wu[i];
            cv += static_cast<double>(av) * wv[j];
        }
    }
    return acc;
}

// Sum of pw(u_k - v_k) for two equal-size samples (blocks of kSegment summed
// in block order whatever the thread count).
template <class Pow, class T>
double paired_sum(const T* u, const T* v, index_t n, Pow pw, int threads) {
    const index_t nblk = (n + kSegment - 1) / kSegment;
    Scratch<double, 8> part(static_cast<std::size_t>(nblk));
    const int nt = threads > 1 ? threads : 1;
    parallel_for(nblk, nt > 1 && nblk >= 4, nt, [&](index_t b) {
        const index_t lo = b * kSegment, hi = std::min(n, lo + kSegment);
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        index_t k = lo;
        for (; k + 4 <= hi; k += 4) {
            s0 += pw(static_cast<double>(u[k]) - static_cast<double>(v[k]));
            s1 += pw(static_cast<double>(u[k + 1]) - static_cast<double>(v[k + 1]));
            s2 += pw(static_cast<double>(u[k + 2]) - static_cast<double>(v[k + 2]));
            s3 += pw(static_cast<double>(u[k + 3]) - static_cast<double>(v[k + 3]));
        }
        for (; k < hi; ++k) s0 += pw(static_cast<double>(u[k]) - static_cast<double>(v[k]));
        part[b] = (s0 + s1) + (s2 + s3);
    });
    double acc = 0.0;
    for (index_t b = 0; b < nblk; ++b) acc += part[b];
    return acc;
}

// W_p for p != 1.  The powers are taken of (x - y) / scale, scale an exact
// power of two >= the largest possible |x - y|, so none overflows.
template <class T, class WU, class WV>
double wp_sorted(const T* u, WU wu, index_t nu, double Wu, const T* v, WV wv, index_t nv,
                 double Wv, double p, int threads) {
    const double span = std::max(static_cast<double>(u[nu - 1]) - static_cast<double>(v[0]),
                                 static_cast<double>(v[nv - 1]) - static_cast<double>(u[0]));
    const double scale = pow2_above(span);
    const double inv = 1.0 / scale;
    auto finish = [&](double wpp) {  // wpp: integral of |(x - y) / scale|^p
        if (p == 2.0) return scale * std::sqrt(wpp);
        return scale * std::pow(wpp, 1.0 / p);
    };
    auto with_pow = [&](auto pw) {
        const StridedA<T> x{u, 1}, y{v, 1};
        if constexpr (WU::unit && WV::unit) {
            if (nu == nv) return finish(paired_sum(u, v, nu, pw, threads) / static_cast<double>(nu));
            return finish(quantile_integral(x, wu, nu, y, wv, nv, 0.0, 0.0, pw) /
                          (static_cast<double>(nu) * static_cast<double>(nv)));
        } else {
            return finish(quantile_integral(x, wu, nu, y, wv, nv, 1.0 / Wu, 1.0 / Wv, pw));
        }
    };
    if (p == 2.0) {
        return with_pow([inv](double d) {
            const double s = d * inv;
            return s * s;
        });
    }
    if (p == 3.0) {
        return with_pow([inv](double d) {
            const double s = std::fabs(d * inv);
            return s * s * s;
        });
    }
    return with_pow([inv, p](double d) { return std::pow(std::fabs(d * inv), p); });
}

}  // namespace w1d
}  // namespace pydiv
