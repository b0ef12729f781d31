// Scalar per-element terms of the information kernels: the whole baseline
// path, and the tails of the SIMD path.  Zeros follow 0 log 0 = 0 by masking,
// never by letting NaN propagate.
#pragma once

#include <cfloat>
#include <cmath>

#include "info/info.hpp"

// Internal linkage: this is compiled into translation units with different
// target flags, which must not share inline code.
namespace pydiv {
namespace {
namespace scalar {

constexpr double kLn2 = 0.69314718055994530942;

// log(x / y) for positive finite x, y without overflow or underflow of the
// quotient (a subnormal q next to a large p must not turn the term into inf).
inline double log_ratio(double x, double y) {
    const double r = x / y;
    if (r >= DBL_MIN && r <= DBL_MAX) return std::log(r);
    int ex = 0;
    int ey = 0;
    const double mx = std::frexp(x, &ex);
    const double my = std::frexp(y, &ey);
    return std::log(mx / my) + static_cast<double>(ex - ey) * kLn2;
}

inline void track(double x, double y, InfoPartial& acc) {
    acc.sum_p += x;
    acc.sum_q += y;
    acc.min_p = x < acc.min_p ? x : acc.min_p;
    acc.min_q = y < acc.min_q ? y : acc.min_q;
    acc.max_p = x > acc.max_p ? x : acc.max_p;
    acc.max_q = y > acc.max_q ? y : acc.max_q;
}

inline void entropy(const double* p, const double*, std::int64_t n, double sp, double,
                    InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i] * sp;
        acc.sum_p += x;
        acc.min_p = x < acc.min_p ? x : acc.min_p;
        acc.max_p = x > acc.max_p ? x : acc.max_p;
        if (x > 0.0) acc.s += x * std::log(x);
    }
}

inline void cross_entropy(const double* p, const double* q, std::int64_t n, double sp, double sq,
                          InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i] * sp;
        const double y = q[i] * sq;
        track(x, y, acc);
        if (x > 0.0) {
            if (y > 0.0)
                acc.s += x * std::log(y);
            else
                acc.n_inf += 1.0;
        }
    }
}

inline void kl(const double* p, const double* q, std::int64_t n, double sp, double sq,
               InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i] * sp;
        const double y = q[i] * sq;
        track(x, y, acc);
        if (x > 0.0) {
            if (y > 0.0)
                acc.s += x * log_ratio(x, y);
            else
                acc.n_inf += 1.0;
        }
    }
}

// Jensen-Shannon, per element: with big = max(x, y), small = min(x, y) and
// r = 2 big / (x + y) in [1, 2], the term x log(x/m) + y log(y/m) (m the
// mean) is big log r + small log(2 - r).  2 - r is exact, so an error in r
// cancels to first order between the two logs (their derivatives are
// (x + y)/2 and -(x + y)/2).  What is left, the logs' own rounding, is about
// 2.5 ulp * |x - y| per element, and |x - y| <= 2 big log r: the fast pass
// keeps the big part of s in `js_big` so the driver can tell when that error
// could show next to the result (near-identical rows), and take the accurate
// pass instead.
//
// 2 - r is held at 2^-53 or above: below that, small < big 2^-54, and
// small log(2 - r) errs by under 1e-16 big instead of meeting log(0).
inline double js_small_log(double r_big) { return std::log(2.0 - r_big > 0x1p-53 ? 2.0 - r_big : 0x1p-53); }

// With w = |x - y| / (x + y), the term is (x + y) g(w),
//     g(w) = ((1 + w) log(1 + w) + (1 - w) log(1 - w)) / 2
//          = sum_k w^(2k) / (2k (2k - 1)),
// a series in u = w^2 that needs no cancellation: used for w <= 1/8, where
// nine terms leave a relative error below 1e-18.
constexpr double kJsSeriesMax = 0.125;
constexpr double kJsSeries[9] = {1.0 / 2,   1.0 / 12,  1.0 / 30,  1.0 / 56, 1.0 / 90,
                                 1.0 / 132, 1.0 / 182, 1.0 / 240, 1.0 / 306};

inline double js_series(double w) {
    const double u = w * w;
    double poly = kJsSeries[8];
    for (int k = 7; k >= 0; --k) poly = poly * u + kJsSeries[k];
    return u * poly;
}

// The fast pass (the sums are known already): s and js_big.
inline void js(const double* p, const double* q, std::int64_t n, double sp, double sq,
               InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i] * sp;
        const double y = q[i] * sq;
        const double sum = x + y;
        if (!(sum > 0.0)) continue;  // both zero
        const double big = x > y ? x : y;
        const double small = x > y ? y : x;
        const double r_big = (big + big) / sum;
        const double big_part = big * std::log(r_big);
        acc.s += big_part + small * js_small_log(r_big);
        acc.js_big += big_part;
    }
}

// The rounding error of a * b: exact, by FMA where it is fast, else by
// Dekker's splitting (this header is also built without FMA).
inline double product_error(double a, double b, double ab) {
#ifdef FP_FAST_FMA
    return std::fma(a, b, -ab);
#else
    // Veltkamp's split; (2^27 + 1) v overflows above about 2^996, so such a v
    // is split at 2^-28 of its size and the halves scaled back (exactly).
    const auto split = [](double v, double& hi, double& lo) {
        const bool big = std::fabs(v) > 0x1p995;
        const double w = big ? v * 0x1p-28 : v;
        const double c = 134217729.0 * w;  // 2^27 + 1
        hi = c - (c - w);
        lo = w - hi;
        if (big) {
            hi *= 0x1p28;
            lo *= 0x1p28;
        }
    };
    double ah, al, bh, bl;
    split(a, ah, al);
    split(b, bh, bl);
    return ((ah * bh - ab) + ah * bl + al * bh) + al * bl;
#endif
}

// The accurate pass, also tracking the sums (the streaming accumulator uses
// it alone): the terms of x = p and y = rho q, rho = rho_hi + rho_lo the
// ratio of the totals A / B, so that the result is A times the terms of
// p/A and q/B.  With t = rho_hi q and its rounding error e, x - y =
// (p - t) - e - rho_lo q is exact where it matters (p - t is, by Sterbenz,
// when p and t are close): w, and the series, keep full relative accuracy
// however close the rows are; no normalised value is ever rounded.
inline void js_accurate(const double* p, const double* q, std::int64_t n, double rho_hi, double rho_lo,
                        InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i];
        const double y = rho_hi * q[i];
        track(x, y, acc);
        const double sum = x + y;
        if (!(sum > 0.0)) continue;
        const double diff = ((x - y) - product_error(rho_hi, q[i], y)) - rho_lo * q[i];
        const double w = std::fabs(diff) / sum;
        if (w <= kJsSeriesMax) {
            acc.s += sum * js_series(w);
        } else {
            const double big = x > y ? x : y;
            const double small = x > y ? y : x;
            const double r_big = 1.0 + w;
            acc.s += big * std::log(r_big) + small * js_small_log(r_big);
        }
    }
}

// sum += v with the rounding error kept in lo (Fast2Sum: v and sum are
// non-negative in a valid row, so max(sum, v) is the larger in magnitude).
inline void add_fast2sum(double& sum, double& lo, double v) {
    const double t = sum + v;
    lo += ((sum > v ? sum : v) - t) + (sum > v ? v : sum);
    sum = t;
}

// Accurate KL terms of x = p and y = rho q (info.hpp, kl_accurate).  With
// d = x - y (exact as in js_accurate), s = x + y and z = d / s in [-1, 1],
//     x log(x/y) - d = s f(z),  f(z) = (1 + z) atanh(z) - z
//                    = z^2 + (1 + z) z^3 (1/3 + z^2/5 + z^4/7 + ...),
// a series in u = z^2 of ratio <= 1/64 for |z| <= 1/8, where nine terms
// leave a relative error below 1e-18; beyond, the direct form loses at most
// a factor 16 to cancellation (at |z| = 1/8).  Every term is >= 0.
constexpr double kKlSeriesMax = 0.125;
constexpr double kKlSeries[9] = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9, 1.0 / 11,
                                 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19};

inline double kl_series(double z) {
    const double u = z * z;
    double poly = kKlSeries[8];
    for (int k = 7; k >= 0; --k) poly = poly * u + kKlSeries[k];
    return u * (1.0 + (1.0 + z) * z * poly);
}

inline void kl_accurate(const double* p, const double* q, std::int64_t n, double rho_hi, double rho_lo,
                        InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i];
        const double y = rho_hi * q[i];
        add_fast2sum(acc.sum_p, acc.sum_p_lo, x);
        add_fast2sum(acc.sum_q, acc.sum_q_lo, y);
        acc.min_p = x < acc.min_p ? x : acc.min_p;
        acc.min_q = y < acc.min_q ? y : acc.min_q;
        acc.max_p = x > acc.max_p ? x : acc.max_p;
        acc.max_q = y > acc.max_q ? y : acc.max_q;
        if (!(y > 0.0)) {
            if (x > 0.0) acc.n_inf += 1.0;
            continue;
        }
        const double diff = ((x - y) - product_error(rho_hi, q[i], y)) - rho_lo * q[i];
        acc.s_diff += diff;
        if (!(x > 0.0)) {
            acc.s += y;  // x == 0: x log(x/y) - (x - y) = y
            continue;
        }
        const double sum = x + y;
        const double z = diff / sum;
        acc.s += std::fabs(z) <= kKlSeriesMax ? sum * kl_series(z) : x * log_ratio(x, y) - diff;
    }
}

// Accurate entropy terms p log(A / p), A = a_hi + a_lo (info.hpp,
// entropy_accurate).  Where p > A/2, log(A/p) = log1p(((a_hi - p) + a_lo) / p)
// with a_hi - p exact (Sterbenz); elsewhere log(A/p) >= log 2, and the
// quotient's rounding costs about one ulp of it.  Summed compensated.
inline void entropy_accurate(const double* p, const double*, std::int64_t n, double a_hi, double a_lo,
                             InfoPartial& acc) {
    const double half = 0.5 * a_hi;
    const double lo_ratio = a_lo / a_hi;
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i];
        add_fast2sum(acc.sum_p, acc.sum_p_lo, x);
        acc.min_p = x < acc.min_p ? x : acc.min_p;
        acc.max_p = x > acc.max_p ? x : acc.max_p;
        if (!(x > 0.0)) continue;
        const double log_a_over_x =
            x > half ? std::log1p(((a_hi - x) + a_lo) / x) : log_ratio(a_hi, x) + lo_ratio;
        add_fast2sum(acc.s, acc.s_lo, x * log_a_over_x);
    }
}

inline void sums(const double* p, const double* q, std::int64_t n, double sp, double sq,
                 InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) track(p[i] * sp, q[i] * sq, acc);
}

// The sums compensated (Fast2Sum: the values are non-negative in a valid
// row, so max(sum, x) is the larger in magnitude).
inline void sums_compensated(const double* p, const double* q, std::int64_t n, double sp, double sq,
                             InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i] * sp;
        const double y = q[i] * sq;
        const double tp = acc.sum_p + x;
        const double tq = acc.sum_q + y;
        acc.sum_p_lo += ((acc.sum_p > x ? acc.sum_p : x) - tp) + (acc.sum_p > x ? x : acc.sum_p);
        acc.sum_q_lo += ((acc.sum_q > y ? acc.sum_q : y) - tq) + (acc.sum_q > y ? y : acc.sum_q);
        track(x, y, acc);  // sets sum_p = tp, sum_q = tq
    }
}

inline void xlogx(const double* x, double* out, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) out[i] = x[i] > 0.0 ? x[i] * std::log(x[i]) : 0.0;
}

inline double js_pair(const double* x, const double* xlx, const double* y, const double* yly, std::int64_t n,
                      double& mixture_entropy) {
    double s = 0.0;
    double mlm_sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double m = 0.5 * (x[i] + y[i]);
        const double mlm = m > 0.0 ? m * std::log(m) : 0.0;
        s += 0.5 * (xlx[i] + yly[i]) - mlm;
        mlm_sum += mlm;
    }
    mixture_entropy = -mlm_sum;
    return s;
}

inline void l1_rows(const double* a, const double* b, std::int64_t ldb, std::int64_t count, const double* w,
                    std::int64_t n, double* out) {
    for (std::int64_t c = 0; c < count; ++c) {
        const double* bc = b + c * ldb;
        double s = 0.0;
        for (std::int64_t i = 0; i < n; ++i) s += std::fabs(a[i] - bc[i]) * (w ? w[i] : 1.0);
        out[c] = s;
    }
}

}  // namespace scalar
}  // namespace
}  // namespace pydiv
