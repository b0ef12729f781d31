// Ground costs between two point clouds, computed on the fly (no n x m matrix).
// Plain C++17, header only.
//
//   x: (n, d) row-major, y: (m, d) row-major.
//   cost(i, j) = dist(x_i, y_j) ** p     (p >= 1 for W_p; p = 1 gives the metric)
//
// Metrics (GroundMetric):
//   euclidean    sqrt(sum (x - y)^2)
//   sqeuclidean  sum (x - y)^2
//   cityblock    sum |x - y|
//   chebyshev    max |x - y|
//   minkowski    (sum |x - y|^w)^(1/w), w >= 1 (w = 1, 2, inf map to the above)
//
// The functor is a template on the metric and on the kind of exponent so that
// the common cases (p = 1, and euclidean with p = 2, i.e. no sqrt) compile to
// straight-line code; `with_ground_cost` picks the instantiation at run time
// and calls f(cost_functor).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define PYDIV_GC_SSE2 1
#endif

namespace pydiv {

namespace gc_detail {
// v[k] = sqrt(v[k]).  std::sqrt in a loop does not vectorise unless errno is
// disabled (-fno-math-errno); SSE2 is part of x86-64, so use it directly.
inline void sqrt_inplace(double* v, int64_t len) {
    int64_t k = 0;
#ifdef PYDIV_GC_SSE2
    for (; k + 2 <= len; k += 2) _mm_storeu_pd(v + k, _mm_sqrt_pd(_mm_loadu_pd(v + k)));
#endif
    for (; k < len; ++k) v[k] = std::sqrt(v[k]);
}
}  // namespace gc_detail

// Dense row-major cost matrix C (n, m) with leading dimension ld (>= m).
struct DenseCost {
    const double* c;
    int64_t ld;
    double operator()(int64_t i, int64_t j) const { return c[i * ld + j]; }
    void row(int64_t i, int64_t j0, int64_t len, double* out) const {
        const double* src = c + i * ld + j0;
        for (int64_t k = 0; k < len; ++k) out[k] = src[k];
    }
};

enum class GroundMetric : int {
    euclidean = 0,
    sqeuclidean = 1,
    cityblock = 2,
    chebyshev = 3,
    minkowski = 4,
};

// How the exponent p is applied.
enum class GroundPower : int {
    one = 0,      // p == 1: the distance itself
    square = 1,   // p == 2
    general = 2,  // std::pow
};

template <GroundMetric Metric, GroundPower Pow>
struct PointCloudCost {
    const double* x;
    const double* y;
    int64_t d;
    double p;  // exponent (used when Pow == general)
    double w;  // Minkowski order (used when Metric == minkowski)

    double operator()(int64_t i, int64_t j) const {
        const double* xi = x + i * d;
        const double* yj = y + j * d;
        if constexpr (Metric == GroundMetric::euclidean || Metric == GroundMetric::sqeuclidean) {
            double s = 0.0;
            for (int64_t k = 0; k < d; ++k) {
                const double t = xi[k] - yj[k];
                s += t * t;
            }
            if constexpr (Metric == GroundMetric::euclidean) {
                if constexpr (Pow == GroundPower::one) return std::sqrt(s);
                else if constexpr (Pow == GroundPower::square) return s;
                else return std::pow(s, 0.5 * p);
            } else {
                if constexpr (Pow == GroundPower::one) return s;
                else if constexpr (Pow == GroundPower::square) return s * s;
                else return std::pow(s, p);
            }
        } else if constexpr (Metric == GroundMetric::cityblock ||
                             Metric == GroundMetric::chebyshev) {
            double s = 0.0;
            for (int64_t k = 0; k < d; ++k) {
                const double t = std::fabs(xi[k] - yj[k]);
                if constexpr (Metric == GroundMetric::cityblock) s += t;
                else s = t > s ? t : s;
            }
            if constexpr (Pow == GroundPower::one) return s;
            else if constexpr (Pow == GroundPower::square) return s * s;
            else return std::pow(s, p);
        } else {  // minkowski
            double s = 0.0;
            for (int64_t k = 0; k < d; ++k) s += std::pow(std::fabs(xi[k] - yj[k]), w);
            // (s^(1/w))^p = s^(p/w)
            if constexpr (Pow == GroundPower::one) return std::pow(s, 1.0 / w);
            else return std::pow(s, p / w);
        }
    }

    // Only for the plain Euclidean distance: out[k] = squared distance, so
    // that (*this)(i, j0 + k) == sqrt(out[k]).  The solver uses it to skip
    // most square roots.
    template <GroundMetric M2 = Metric, GroundPower P2 = Pow,
              class = std::enable_if_t<M2 == GroundMetric::euclidean && P2 == GroundPower::one>>
    void row_squared(int64_t i, int64_t j0, int64_t len, double* out) const {
        squared_row(i, j0, len, out);
    }

    void squared_row(int64_t i, int64_t j0, int64_t len, double* out) const {
        const double* xi = x + i * d;
        const double* yj = y + j0 * d;
        if (d == 2) {
            const double x0 = xi[0], x1 = xi[1];
            for (int64_t k = 0; k < len; ++k) {
                const double t0 = x0 - yj[2 * k], t1 = x1 - yj[2 * k + 1];
                out[k] = t0 * t0 + t1 * t1;
            }
        } else {
            for (int64_t k = 0; k < len; ++k) {
                const double* yk = yj + k * d;
                double s = 0.0;
                for (int64_t l = 0; l < d; ++l) {
                    const double t = xi[l] - yk[l];
                    s += t * t;
                }
                out[k] = s;
            }
        }
    }

    // out[k] = (*this)(i, j0 + k), k < len; vectorisable for the
    // (sq)euclidean metrics, in particular in 2-D.
    void row(int64_t i, int64_t j0, int64_t len, double* out) const {
        if constexpr (Metric == GroundMetric::euclidean || Metric == GroundMetric::sqeuclidean) {
            squared_row(i, j0, len, out);
            if constexpr (Metric == GroundMetric::euclidean) {
                if constexpr (Pow == GroundPower::one) gc_detail::sqrt_inplace(out, len);
                else if constexpr (Pow == GroundPower::general)
                    for (int64_t k = 0; k < len; ++k) out[k] = std::pow(out[k], 0.5 * p);
            } else {
                if constexpr (Pow == GroundPower::square)
                    for (int64_t k = 0; k < len; ++k) out[k] *= out[k];
                else if constexpr (Pow == GroundPower::general)
                    for (int64_t k = 0; k < len; ++k) out[k] = std::pow(out[k], p);
            }
        } else {
            for (int64_t k = 0; k < len; ++k) out[k] = (*this)(i, j0 + k);
        }
    }
};

// Calls f(cost) with the PointCloudCost instantiation for (metric, p, w) and
// returns what f returns.  Minkowski with w == 1, 2 or +inf is mapped to
// cityblock, euclidean or chebyshev.  Preconditions (checked by the caller):
// p >= 1 finite, w >= 1.
template <class F>
decltype(auto) with_ground_cost(GroundMetric metric, const double* x, const double* y, int64_t d,
                                double p, double w, F&& f) {
    if (metric == GroundMetric::minkowski) {
        if (w == 1.0) metric = GroundMetric::cityblock;
        else if (w == 2.0) metric = GroundMetric::euclidean;
        else if (w == std::numeric_limits<double>::infinity()) metric = GroundMetric::chebyshev;
    }
    const bool p1 = (p == 1.0), p2 = (p == 2.0);
    switch (metric) {
        case GroundMetric::euclidean:
            if (p1) return f(PointCloudCost<GroundMetric::euclidean, GroundPower::one>{x, y, d, p, w});
            if (p2) return f(PointCloudCost<GroundMetric::euclidean, GroundPower::square>{x, y, d, p, w});
            return f(PointCloudCost<GroundMetric::euclidean, GroundPower::general>{x, y, d, p, w});
        case GroundMetric::sqeuclidean:
            if (p1) return f(PointCloudCost<GroundMetric::sqeuclidean, GroundPower::one>{x, y, d, p, w});
            return f(PointCloudCost<GroundMetric::sqeuclidean, GroundPower::general>{x, y, d, p, w});
        case GroundMetric::cityblock:
            if (p1) return f(PointCloudCost<GroundMetric::cityblock, GroundPower::one>{x, y, d, p, w});
            return f(PointCloudCost<GroundMetric::cityblock, GroundPower::general>{x, y, d, p, w});
        case GroundMetric::chebyshev:
            if (p1) return f(PointCloudCost<GroundMetric::chebyshev, GroundPower::one>{x, y, d, p, w});
            return f(PointCloudCost<GroundMetric::chebyshev, GroundPower::general>{x, y, d, p, w});
        case GroundMetric::minkowski:
        default:
            if (p1) return f(PointCloudCost<GroundMetric::minkowski, GroundPower::one>{x, y, d, p, w});
            return f(PointCloudCost<GroundMetric::minkowski, GroundPower::general>{x, y, d, p, w});
    }
}

}  // namespace pydiv
