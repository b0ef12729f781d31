// Certificate checks and helpers shared by the native tests of emd/
// (test_network_simplex.cpp, test_emd_statuses.cpp).  Optimality is checked
// through certificates (primal feasibility, dual feasibility on ALL arcs,
// zero duality gap, complementary slackness), which prove optimality on
// their own.  Each test executable includes it once.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "emd/ground_cost.hpp"
#include "emd/network_simplex.hpp"

namespace {

int g_passed = 0, g_failed = 0;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            ++g_passed;                                                    \
        } else {                                                           \
            ++g_failed;                                                    \
            std::printf("FAIL %s:%d: %s | ", __FILE__, __LINE__, #cond);   \
            std::printf(__VA_ARGS__);                                      \
            std::printf("\n");                                             \
        }                                                                  \
    } while (0)

constexpr double kInf = std::numeric_limits<double>::infinity();
using Vec = std::vector<double>;

struct Dense {
    const double* c;
    int64_t m;
    double operator()(int64_t i, int64_t j) const { return c[i * m + j]; }
};

// Certificate check of an optimal solution.  Returns true if all checks pass
// (each check also counts in the global tally).
bool check_certificate(const std::string& name, const Vec& a, const Vec& b, const Vec& C,
                       const pydiv::EmdSolution& s, const pydiv::NetworkSimplex& ns,
                       double marg_tol = 1e-12) {
    const int64_t n = static_cast<int64_t>(a.size()), m = static_cast<int64_t>(b.size());
    const int before = g_failed;
    CHECK(s.status == pydiv::EmdStatus::optimal, "%s: status %s", name.c_str(),
          pydiv::emd_status_name(s.status));
    if (s.status != pydiv::EmdStatus::optimal) return false;
    const auto& u = ns.u();
    const auto& v = ns.v();
    CHECK((int64_t)u.size() == n && (int64_t)v.size() == m, "%s: potential sizes", name.c_str());
    const int64_t k = ns.plan_size();
    CHECK(k <= std::max<int64_t>(n + m - 1, 0), "%s: plan size %lld > n+m-1", name.c_str(),
          (long long)k);
    std::vector<int64_t> rows(k), cols(k);
    Vec mass(k);
    ns.plan(rows.data(), cols.data(), mass.data());
    Vec rs(n, 0.0), cs(m, 0.0);
    double pcost = 0.0, cs_err = 0.0;
    bool idx_ok = true, pos_ok = true;
    for (int64_t e = 0; e < k; ++e) {
        if (rows[e] < 0 || rows[e] >= n || cols[e] < 0 || cols[e] >= m) {
            idx_ok = false;
            continue;
        }
        if (!(mass[e] > 0.0)) pos_ok = false;
        rs[rows[e]] += mass[e];
        cs[cols[e]] += mass[e];
        const double c = C[rows[e] * m + cols[e]];
        pcost += mass[e] * c;
        cs_err = std::max(cs_err, std::fabs(u[rows[e]] + v[cols[e]] - c));
    }
    CHECK(idx_ok, "%s: plan index out of range", name.c_str());
    CHECK(pos_ok, "%s: non-positive plan mass", name.c_str());
    double me = 0.0;
    for (int64_t i = 0; i < n; ++i) me = std::max(me, std::fabs(rs[i] - a[i]));
    for (int64_t j = 0; j < m; ++j) me = std::max(me, std::fabs(cs[j] - b[j]));
    CHECK(me <= marg_tol, "%s: marginal error %.3g", name.c_str(), me);
    const double scale = std::max(1.0, std::fabs(s.cost));
    CHECK(std::fabs(pcost - s.cost) <= 1e-12 * scale, "%s: plan cost %.17g vs %.17g",
          name.c_str(), pcost, s.cost);
    double viol = 0.0;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j) {
            const double c = C[i * m + j];
            if (c < kInf) viol = std::max(viol, u[i] + v[j] - c);
            if (!std::isfinite(u[i]) || !std::isfinite(v[j])) viol = kInf;
        }
    CHECK(viol <= 1e-9, "%s: dual violation %.3g", name.c_str(), viol);
    double dual = 0.0;
    for (int64_t i = 0; i < n; ++i) dual += a[i] * u[i];
    for (int64_t j = 0; j < m; ++j) dual += b[j] * v[j];
    CHECK(std::fabs(dual - s.cost) <= 1e-9 * scale, "%s: duality gap %.3g (cost %.17g)",
          name.c_str(), dual - s.cost, s.cost);
    CHECK(cs_err <= 1e-9, "%s: complementary slackness %.3g", name.c_str(), cs_err);
    // Gauge: v = 0 at the first column with positive mass.
    for (int64_t j = 0; j < m; ++j)
        if (b[j] > 0.0) {
            CHECK(v[j] == 0.0, "%s: gauge v[%lld] = %.3g", name.c_str(), (long long)j, v[j]);
            break;
        }
    return g_failed == before;
}

Vec random_weights(std::mt19937_64& rng, int64_t n, double p_zero) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    Vec w(n);
    double s = 0.0;
    for (auto& x : w) {
        x = U(rng) < p_zero ? 0.0 : U(rng) + 0.01;
        s += x;
    }
    if (s == 0.0) {
        w[std::uniform_int_distribution<int64_t>(0, n - 1)(rng)] = 1.0;
        s = 1.0;
    }
    for (auto& x : w) x /= s;
    return w;
}

pydiv::EmdSolution solve_dense(pydiv::NetworkSimplex& ns, const Vec& a, const Vec& b,
                               const Vec& C, int64_t max_iter = 0) {
    return ns.solve(a.data(), (int64_t)a.size(), b.data(), (int64_t)b.size(),
                    Dense{C.data(), (int64_t)b.size()}, max_iter);
}

}  // namespace
