// Naive long-double references and checks shared by the native tests of
// wasserstein/ (test_wasserstein_1d.cpp, test_histograms.cpp):
//   * W_1 / energy: the CDFs evaluated by counting at every merged point, O(N^2);
//   * W_p: the exact quantile integral, one piece per interval between the
//     union of both distributions' cumulative levels, each piece's quantile
//     found by a linear scan at its midpoint, O(N^2);
//   * equal sizes and weights: W_p^p = mean |sort(u) - sort(v)|^p;
//   * a quantile grid of 2^20 levels (an approximation, checked loosely).
// Each test executable includes it once (its globals are the executable's).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "wasserstein/wasserstein_1d.hpp"

namespace {

int g_pass = 0;
int g_fail = 0;

#define CHECK(cond)                                                    \
    do {                                                               \
        if (cond) {                                                    \
            ++g_pass;                                                  \
        } else {                                                       \
            ++g_fail;                                                  \
            std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                              \
    } while (0)

#define CHECK_CLOSE(got, want, rtol, what)                                                    \
    do {                                                                                      \
        const double g_ = static_cast<double>(got);                                           \
        const double w_ = static_cast<double>(want);                                          \
        const double tol_ = (rtol) * std::max(std::fabs(w_), 1e-300) + 1e-300;                \
        if (std::fabs(g_ - w_) <= tol_) {                                                     \
            ++g_pass;                                                                         \
        } else {                                                                              \
            ++g_fail;                                                                         \
            std::printf("FAIL %s:%d: %s: got %.17g want %.17g (rel %.3g)\n", __FILE__, __LINE__, \
                        what, g_, w_, std::fabs(g_ - w_) / std::max(std::fabs(w_), 1e-300)); \
        }                                                                                     \
    } while (0)

using Vec = std::vector<double>;
using LD = long double;

struct Dist {
    Vec x;  // sorted
    Vec w;  // empty: unit weights
};

const double* wptr(const Dist& d) { return d.w.empty() ? nullptr : d.w.data(); }

std::vector<LD> cum_levels(const Dist& d) {
    std::vector<LD> c(d.x.size());
    LD s = 0;
    for (std::size_t i = 0; i < d.x.size(); ++i) {
        s += d.w.empty() ? 1.0L : static_cast<LD>(d.w[i]);
        c[i] = s;
    }
    for (auto& v : c) v /= s;
    return c;
}

// F(t) = weight of points <= t, normalised.
LD cdf_at(const Dist& d, LD t) {
    LD s = 0, tot = 0;
    for (std::size_t i = 0; i < d.x.size(); ++i) {
        const LD w = d.w.empty() ? 1.0L : static_cast<LD>(d.w[i]);
        tot += w;
        if (static_cast<LD>(d.x[i]) <= t) s += w;
    }
    return s / tot;
}

// int term(F_u - F_v) dt by brute force; square=false: |.|, true: (.)^2.
LD ref_cdf_integral(const Dist& u, const Dist& v, bool square) {
    std::vector<LD> t;
    for (double x : u.x) t.push_back(x);
    for (double x : v.x) t.push_back(x);
    std::sort(t.begin(), t.end());
    LD acc = 0;
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        const LD d = cdf_at(u, t[k]) - cdf_at(v, t[k]);
        acc += (square ? d * d : std::fabs(d)) * (t[k + 1] - t[k]);
    }
    return acc;
}

double ref_w1(const Dist& u, const Dist& v) { return static_cast<double>(ref_cdf_integral(u, v, false)); }
double ref_energy(const Dist& u, const Dist& v) {
    return static_cast<double>(std::sqrt(2.0L * ref_cdf_integral(u, v, true)));
}

// Quantile of level s (strictly inside a piece): first i with cum_i > s.
LD quantile(const Dist& d, const std::vector<LD>& cum, LD s) {
    for (std::size_t i = 0; i < cum.size(); ++i) {
        if (cum[i] > s) return d.x[i];
    }
    return d.x.back();
}

// Exact W_p by pieces between the union of the cumulative levels.
double ref_wp(const Dist& u, const Dist& v, double p) {
    const auto cu = cum_levels(u);
    const auto cv = cum_levels(v);
    std::vector<LD> lv{0.0L, 1.0L};
    lv.insert(lv.end(), cu.begin(), cu.end());
    lv.insert(lv.end(), cv.begin(), cv.end());
    std::sort(lv.begin(), lv.end());
    LD acc = 0;
    for (std::size_t k = 0; k + 1 < lv.size(); ++k) {
        const LD a = lv[k], b = std::min<LD>(lv[k + 1], 1.0L);
        if (!(b > a)) continue;
        const LD s = (a + b) / 2;
        acc += (b - a) * std::pow(std::fabs(quantile(u, cu, s) - quantile(v, cv, s)), static_cast<LD>(p));
    }
    return static_cast<double>(std::pow(acc, 1.0L / static_cast<LD>(p)));
}

// W_p on a uniform grid of quantile levels (midpoints): an approximation.
double grid_wp(const Dist& u, const Dist& v, double p, int levels) {
    const auto cu = cum_levels(u);
    const auto cv = cum_levels(v);
    std::size_t i = 0, j = 0;
    LD acc = 0;
    for (int k = 0; k < levels; ++k) {
        const LD s = (k + 0.5L) / levels;
        while (i + 1 < cu.size() && !(cu[i] > s)) ++i;
        while (j + 1 < cv.size() && !(cv[j] > s)) ++j;
        acc += std::pow(std::fabs(static_cast<LD>(u.x[i]) - v.x[j]), static_cast<LD>(p));
    }
    return static_cast<double>(std::pow(acc / levels, 1.0L / static_cast<LD>(p)));
}

// Equal sizes, equal weights: W_p^p = mean |u_k - v_k|^p.
double sorted_pairs_wp(const Vec& u, const Vec& v, double p) {
    LD acc = 0;
    for (std::size_t k = 0; k < u.size(); ++k) acc += std::pow(std::fabs(static_cast<LD>(u[k]) - v[k]), static_cast<LD>(p));
    return static_cast<double>(std::pow(acc / u.size(), 1.0L / static_cast<LD>(p)));
}

double w_p(const Dist& u, const Dist& v, double p, int threads = 1) {
    return pydiv::wasserstein_1d_sorted(u.x.data(), wptr(u), static_cast<std::int64_t>(u.x.size()), v.x.data(),
                                        wptr(v), static_cast<std::int64_t>(v.x.size()), p, threads);
}
double energy(const Dist& u, const Dist& v, int threads = 1) {
    return pydiv::energy_distance_sorted(u.x.data(), wptr(u), static_cast<std::int64_t>(u.x.size()), v.x.data(),
                                         wptr(v), static_cast<std::int64_t>(v.x.size()), threads);
}

std::mt19937_64 rng(12345);

// A random sorted sample; kind 0: normal, 1: ties (coarse grid), 2: few distinct.
Dist random_dist(int n, int kind, int weights) {
    std::normal_distribution<double> nd(0.0, 1.0);
    std::uniform_real_distribution<double> ud(0.0, 1.0);
    Dist d;
    d.x.resize(n);
    const double shift = nd(rng);
    for (auto& x : d.x) {
        x = nd(rng) * (0.5 + ud(rng)) + shift;
        if (kind == 1) x = std::round(x * 4.0) / 4.0;
        if (kind == 2) x = std::round(x);
    }
    std::sort(d.x.begin(), d.x.end());
    if (weights == 1) {  // positive weights
        d.w.resize(n);
        for (auto& w : d.w) w = 0.05 + ud(rng);
    } else if (weights == 2) {  // zero weights sprinkled, at least one positive
        d.w.resize(n);
        for (auto& w : d.w) w = ud(rng) < 0.3 ? 0.0 : ud(rng);
        d.w[static_cast<std::size_t>(n / 2)] = 1.0;
    } else if (weights == 3) {  // all weights equal (but given)
        d.w.assign(n, 0.37);
    }
    return d;
}

const double kPs[] = {1.0, 1.5, 2.0, 3.0};

}  // namespace
