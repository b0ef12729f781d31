// W_order between histograms on a shared sorted support.  Plain C++17, no
// Python.
//
// Order 1 is one fused pass with running cumulative sums after a pass for
// the totals:  sum_{i < k-1} |P_i / Wp - Q_i / Wq| (x_{i+1} - x_i)  (the
// CDF form of W_1 on the support points).  Other orders use the quantile
// merge (quantile_merge.hpp) with the support x as both samples and the
// masses as weights.  Invariant of the fused pass: before bin i + 1, cp and
// cq are the masses of bins 0..i, and acc the integral over [x_0, x_i].
// Rows are read in place through HistRows (any numpy strides); a row with a
// negative or NaN mass, or a total that is zero, subnormal or infinite, or an
// order < 1 gives NaN.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/threads.hpp"
#include "wasserstein/quantile_merge.hpp"
#include "wasserstein/w1d_support.hpp"

namespace pydiv {
namespace w1d {

template <class XA, class T>
double hist_one(XA x, StridedA<T> pa, StridedA<T> qa, index_t k, double order) {
    if (k <= 0) return kNaN;
    const double Wp = checked_total(pa, k);
    const double Wq = checked_total(qa, k);
    if (std::isnan(Wp) || std::isnan(Wq)) return kNaN;
    const double sp = 1.0 / Wp, sq = 1.0 / Wq;
    if (order == 1.0) {
        // One fused pass: running cumulative sums, gap widths from x.
        double cp = 0.0, cq = 0.0, acc = 0.0;
        double xi = x[0];
        for (index_t i = 0; i + 1 < k; ++i) {
            cp += pa[i];
            cq += qa[i];
            const double xn = x[i + 1];
            acc += std::fabs(cp * sp - cq * sq) * (xn - xi);
            xi = xn;
        }
        return acc;
    }
    if (!(order >= 1.0) || !(order <= std::numeric_limits<double>::max())) return kNaN;
    const double scale = pow2_above(x[k - 1] - x[0]);
    const double inv = 1.0 / scale;
    double wpp;
    if (order == 2.0) {
        wpp = quantile_integral(x, pa, k, x, qa, k, sp, sq, [inv](double d) {
            const double s = d * inv;
            return s * s;
        });
        return scale * std::sqrt(wpp);
    }
    wpp = quantile_integral(x, pa, k, x, qa, k, sp, sq,
                            [inv, order](double d) { return std::pow(std::fabs(d * inv), order); });
    return scale * std::pow(wpp, 1.0 / order);
}

}  // namespace w1d

// W_order between histogram rows p[r] and q[r] (k bins each, non-negative
// masses normalised here) on the shared sorted support x (x == nullptr:
// 0, 1, ..., k - 1; x_stride in elements; not checked here).  out[rows];
// OpenMP across rows.  NaN for a row with a negative or NaN mass or a
// total that is zero, subnormal or infinite, and for order < 1.
template <class T, class X = double>
void wasserstein_hist_rows(const HistRows<T>& p, const HistRows<T>& q, std::int64_t rows,
                           std::int64_t k, const X* x, std::int64_t x_stride, double order,
                           double* out, int threads = 0) {
    if (rows <= 0) return;
    const int nt = resolve_threads(threads);
    const bool par = nt > 1 && rows > 1 && rows * k >= w1d::kParallelWork;
    (void)par;
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt) if (par)
#endif
    for (std::int64_t r = 0; r < rows; ++r) {
        const w1d::StridedA<T> pa{p.row(r), p.elem_stride};
        const w1d::StridedA<T> qa{q.row(r), q.elem_stride};
        out[r] = x ? w1d::hist_one(w1d::StridedA<X>{x, x_stride}, pa, qa, k, order)
                   : w1d::hist_one(w1d::IotaA{}, pa, qa, k, order);
    }
}

}  // namespace pydiv
