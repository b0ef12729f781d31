// One-dimensional optimal-transport distances between sorted samples, and
// between histograms on a shared sorted support.  Plain C++17, no Python.
//
// Inputs are SORTED value arrays (the caller sorts, and permutes optional
// non-negative weights along); every kernel normalises the weights itself
// (the weight sums are computed here) and accumulates in double, also for
// float inputs.
//
// The pieces (one algorithm each, each with its own header comment):
//   w1d_support.hpp     row views, accessors, input checks, scratch, loops
//   cdf_merge.hpp       CDF merge (W_1, energy distance) as interleaved chains
//   quantile_merge.hpp  quantile merge (W_p, p != 1) and the equal-size pass
//   histograms.hpp      W_order between histograms on a shared support
// This header chooses among them per call (distance_one) and holds the
// public entry points.
//
// Choice: energy -> CDF merge with the squared term; p == 1 -> the paired
// pass for equal sizes with unit weights, else the CDF merge with |.|;
// p != 1 -> the paired pass (equal sizes, unit weights) or the quantile merge.
//
// Invalid input (an empty sample, non-finite values, unsorted values when
// the order is checked, a negative or NaN weight, a total weight that is
// not positive and finite, p < 1 or NaN) gives NaN; the Python layer then
// finds and reports the reason.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/threads.hpp"
#include "wasserstein/cdf_merge.hpp"
#include "wasserstein/histograms.hpp"
#include "wasserstein/quantile_merge.hpp"
#include "wasserstein/w1d_support.hpp"

namespace pydiv {
namespace w1d {

template <class T, class WU, class WV>
double distance_one(const T* u, WU wu, index_t nu, const T* v, WV wv, index_t nv, double p,
                    bool energy, bool check_order, int threads) {
    if (nu <= 0 || nv <= 0) return kNaN;
    if (!values_ok(u, nu, check_order) || !values_ok(v, nv, check_order)) return kNaN;
    const double Wu = checked_total(wu, nu);
    const double Wv = checked_total(wv, nv);
    if (std::isnan(Wu) || std::isnan(Wv)) return kNaN;
    constexpr bool unit = WU::unit && WV::unit;
    // CDF scales: exact integer differences with unit weights.
    const double su = unit ? static_cast<double>(nv) : 1.0 / Wu;
    const double sv = unit ? static_cast<double>(nu) : 1.0 / Wv;
    const double norm = unit ? 1.0 / (static_cast<double>(nu) * static_cast<double>(nv)) : 1.0;
    if (energy) {
        const double a = cdf_integral<SquareTerm>(u, wu, nu, v, wv, nv, su, sv, threads);
        return std::sqrt(2.0 * a * norm * norm);
    }
    if (!(p >= 1.0) || !(p <= std::numeric_limits<double>::max())) return kNaN;
    if (p == 1.0) {
        if constexpr (unit) {
            if (nu == nv) return paired_sum(u, v, nu, AbsTerm{}, threads) / static_cast<double>(nu);
        }
        return cdf_integral<AbsTerm>(u, wu, nu, v, wv, nv, su, sv, threads) * norm;
    }
    return wp_sorted(u, wu, nu, Wu, v, wv, nv, Wv, p, threads);
}

template <class T, class W>
double dispatch_one(const T* u, const W* uw, index_t nu, const T* v, const W* vw, index_t nv,
                    double p, bool energy, bool check_order, int threads) {
    threads = resolve_threads(threads);
    if (uw && vw) {
        return distance_one(u, PtrW<W>{uw}, nu, v, PtrW<W>{vw}, nv, p, energy, check_order, threads);
    }
    if (uw) return distance_one(u, PtrW<W>{uw}, nu, v, UnitW{}, nv, p, energy, check_order, threads);
    if (vw) return distance_one(u, UnitW{}, nu, v, PtrW<W>{vw}, nv, p, energy, check_order, threads);
    return distance_one(u, UnitW{}, nu, v, UnitW{}, nv, p, energy, check_order, threads);
}

template <class T, class W>
void rows_kernel(const SortedRows<T, W>& u, const SortedRows<T, W>& v, std::int64_t rows, double p,
                 bool energy, bool check_order, double* out, int threads) {
    if (rows <= 0) return;
    const int nt = resolve_threads(threads);
    if (rows == 1) {
        out[0] = dispatch_one(u.values, u.weights, u.n, v.values, v.weights, v.n, p, energy, check_order, nt);
        return;
    }
    const bool par = nt > 1 && rows * (u.n + v.n) >= kParallelWork;
    (void)par;
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (par)
#endif
    for (std::int64_t r = 0; r < rows; ++r) {
        const T* ur = u.values + r * u.value_row_stride;
        const T* vr = v.values + r * v.value_row_stride;
        const W* uwr = u.weights ? u.weights + r * u.weight_row_stride : nullptr;
        const W* vwr = v.weights ? v.weights + r * v.weight_row_stride : nullptr;
        out[r] = dispatch_one(ur, uwr, u.n, vr, vwr, v.n, p, energy, check_order, 1);
    }
}

}  // namespace w1d

// ================================================================ public API

// p-Wasserstein distance W_p (p >= 1) between two sorted samples with
// optional non-negative weights (nullptr: unit weights).  p == 1 matches
// scipy.stats.wasserstein_distance; W_p is the p-th root of the quantile
// integral.  threads <= 0: OpenMP default.  NaN for invalid input: an empty
// sample, a non-finite first or last value, a negative or NaN weight, a
// total weight that is zero, subnormal or infinite, p < 1 or NaN, and (when
// check_order) values that are not non-decreasing.  check_order = false
// skips that O(n) pass for callers that sorted the values themselves; it is
// a promise: the chained merge relies on the order to stay in bounds.
template <class T, class W = double>
double wasserstein_1d_sorted(const T* u, const W* u_weights, std::int64_t nu, const T* v,
                             const W* v_weights, std::int64_t nv, double p, int threads = 1,
                             bool check_order = true) {
    return w1d::dispatch_one(u, u_weights, nu, v, v_weights, nv, p, false, check_order, threads);
}

// Energy distance sqrt(2 int (F_u - F_v)^2 dt) (scipy.stats.energy_distance).
template <class T, class W = double>
double energy_distance_sorted(const T* u, const W* u_weights, std::int64_t nu, const T* v,
                              const W* v_weights, std::int64_t nv, int threads = 1,
                              bool check_order = true) {
    return w1d::dispatch_one(u, u_weights, nu, v, v_weights, nv, 1.0, true, check_order, threads);
}

// Row r of u against row r of v, r < rows, into out[rows]; OpenMP across rows.
template <class T, class W = double>
void wasserstein_1d_rows(const SortedRows<T, W>& u, const SortedRows<T, W>& v, std::int64_t rows,
                         double p, double* out, int threads = 0, bool check_order = true) {
    w1d::rows_kernel(u, v, rows, p, false, check_order, out, threads);
}

template <class T, class W = double>
void energy_distance_rows(const SortedRows<T, W>& u, const SortedRows<T, W>& v, std::int64_t rows,
                          double* out, int threads = 0, bool check_order = true) {
    w1d::rows_kernel(u, v, rows, 1.0, true, check_order, out, threads);
}

}  // namespace pydiv
