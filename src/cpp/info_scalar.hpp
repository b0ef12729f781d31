// Scalar per-element terms of the information kernels: the whole baseline
// path, and the tails of the SIMD path.  Zeros follow 0 log 0 = 0 by masking,
// never by letting NaN propagate.
#pragma once

#include <cfloat>
#include <cmath>

#include "info.hpp"

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

// sum x log(x/m) + y log(y/m), m = (x + y)/2: twice the JS divergence.
inline void js(const double* p, const double* q, std::int64_t n, double sp, double sq,
               InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double x = p[i] * sp;
        const double y = q[i] * sq;
        track(x, y, acc);
        const double m = 0.5 * (x + y);
        if (x > 0.0) acc.s += x * log_ratio(x, m);
        if (y > 0.0) acc.s += y * log_ratio(y, m);
    }
}

inline void sums(const double* p, const double* q, std::int64_t n, double sp, double sq,
                 InfoPartial& acc) {
    for (std::int64_t i = 0; i < n; ++i) track(p[i] * sp, q[i] * sq, acc);
}

inline void xlogx(const double* x, double* out, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) out[i] = x[i] > 0.0 ? x[i] * std::log(x[i]) : 0.0;
}

inline double js_pair(const double* x, const double* xlx, const double* y, const double* yly, std::int64_t n) {
    double s = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double m = 0.5 * (x[i] + y[i]);
        s += 0.5 * (xlx[i] + yly[i]) - (m > 0.0 ? m * std::log(m) : 0.0);
    }
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
