// Native tests of the exact EMD solver's other outcomes (src/cpp/emd/): forbidden
// arcs and infeasibility, every status path (max_iter_reached, interrupted,
// invalid_input), and the duals of zero-mass rows and columns, with the
// certificate checks of emd_checks.hpp.
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
#include "emd_checks.hpp"

namespace {

void test_forbidden(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    pydiv::NetworkSimplex ns;
    for (const auto init : {pydiv::EmdInitialBasis::artificial, pydiv::EmdInitialBasis::row_minimum}) {
        ns.set_initial_basis(init);
        {
            // Block structure: rows 0..4 may only go to cols 0..4, but their mass
            // (0.6) exceeds the columns' mass (0.5): infeasible.
            const int64_t n = 10, m = 10;
            Vec a(n), b(m, 0.1), C(n * m);
            for (int64_t i = 0; i < n; ++i) a[i] = i < 5 ? 0.12 : 0.08;
            for (int64_t i = 0; i < n; ++i)
                for (int64_t j = 0; j < m; ++j) C[i * m + j] = (i < 5 && j >= 5) ? kInf : U(rng);
            auto s = solve_dense(ns, a, b, C);
            CHECK(s.status == pydiv::EmdStatus::infeasible, "block infeasible: %s cost %g",
                  pydiv::emd_status_name(s.status), s.cost);
            CHECK(!(s.cost < kInf), "infeasible must not report a finite cost: %g", s.cost);
            // Same with equal masses: feasible.
            for (int64_t i = 0; i < n; ++i) a[i] = 0.1;
            s = solve_dense(ns, a, b, C);
            check_certificate("block feasible", a, b, C, s, ns);
        }
        {
            // A row with all arcs forbidden.
            Vec a{0.5, 0.5}, b{0.5, 0.5}, C{1, 2, kInf, kInf};
            auto s = solve_dense(ns, a, b, C);
            CHECK(s.status == pydiv::EmdStatus::infeasible, "row forbidden: %s",
                  pydiv::emd_status_name(s.status));
        }
        for (int t = 0; t < 60; ++t) {
            // Random forbidden arcs, keeping the diagonal: always feasible for
            // equal uniform weights.  Also a tiny unrelated Hall violation case.
            const int64_t n = 5 + t % 40;
            Vec a(n, 1.0 / n), b(n, 1.0 / n), C(n * n);
            for (int64_t i = 0; i < n; ++i)
                for (int64_t j = 0; j < n; ++j)
                    C[i * n + j] = (i != j && U(rng) < 0.6) ? kInf : U(rng);
            auto s = solve_dense(ns, a, b, C);
            check_certificate("sparse feasible#" + std::to_string(t), a, b, C, s, ns);
            // Make it infeasible: forbid column 0 for all rows but 0, and row 0
            // towards everything except column 0 ... then move extra mass to row 0.
            Vec a2 = a;
            a2[0] += 0.5 / n;
            a2[1] -= 0.5 / n;
            for (int64_t i = 0; i < n; ++i) C[i * n + 0] = i == 0 ? 0.5 : kInf;
            for (int64_t j = 1; j < n; ++j) C[0 * n + j] = kInf;
            s = solve_dense(ns, a2, b, C);
            CHECK(s.status == pydiv::EmdStatus::infeasible, "hall violation#%d: %s", t,
                  pydiv::emd_status_name(s.status));
        }
    }
}

void test_status_paths(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    const int64_t n = 300, m = 300;
    Vec a(n, 1.0 / n), b(m, 1.0 / m), C(n * m);
    for (auto& c : C) c = U(rng);
    pydiv::NetworkSimplex ns;
    auto s = solve_dense(ns, a, b, C, 10);
    CHECK(s.status == pydiv::EmdStatus::max_iter_reached && s.n_iter == 10, "max_iter: %s %lld",
          pydiv::emd_status_name(s.status), (long long)s.n_iter);
    CHECK(ns.u().size() == (size_t)n && ns.plan_size() <= n + m - 1, "max_iter outputs");
    int calls = 0;
    s = ns.solve(a.data(), n, b.data(), m, Dense{C.data(), m}, 0, [&] { return ++calls >= 1; });
    CHECK(s.status == pydiv::EmdStatus::interrupted, "interrupt: %s",
          pydiv::emd_status_name(s.status));
    CHECK(s.n_iter == pydiv::kEmdStopCheckInterval && calls == 1, "interrupt after %lld pivots",
          (long long)s.n_iter);
    // Full solve afterwards with the same workspace.
    s = solve_dense(ns, a, b, C);
    check_certificate("after interrupt", a, b, C, s, ns);
    const double ref = s.cost;
    pydiv::NetworkSimplex fresh;
    auto s2 = solve_dense(fresh, a, b, C);
    CHECK(s2.cost == ref && s2.n_iter == s.n_iter, "reuse vs fresh: %.17g %.17g", s2.cost, ref);

    // Small mass mismatch: accepted (b rescaled); large: infeasible.
    Vec b2 = b;
    for (auto& x : b2) x *= 1.0 + 1e-10;
    s = solve_dense(ns, a, b2, C);
    check_certificate("mass mismatch 1e-10", a, b2, C, s, ns, 1e-9);
    CHECK(std::fabs(s.cost - ref) <= 1e-9 * ref, "rescaled cost %.17g vs %.17g", s.cost, ref);
    for (auto& x : b2) x *= 1.0 + 1e-6;
    s = solve_dense(ns, a, b2, C);
    CHECK(s.status == pydiv::EmdStatus::infeasible, "mass mismatch 1e-6: %s",
          pydiv::emd_status_name(s.status));

    // Invalid inputs.
    Vec an = a;
    an[3] = std::numeric_limits<double>::quiet_NaN();
    s = solve_dense(ns, an, b, C);
    CHECK(s.status == pydiv::EmdStatus::invalid_input, "nan weight: %s",
          pydiv::emd_status_name(s.status));
    an[3] = -0.1;
    s = solve_dense(ns, an, b, C);
    CHECK(s.status == pydiv::EmdStatus::invalid_input, "negative weight: %s",
          pydiv::emd_status_name(s.status));
    Vec Cn = C;
    Cn[17] = std::numeric_limits<double>::quiet_NaN();
    s = solve_dense(ns, a, b, Cn);
    CHECK(s.status == pydiv::EmdStatus::invalid_input, "nan cost: %s",
          pydiv::emd_status_name(s.status));
    Cn[17] = -kInf;
    s = solve_dense(ns, a, b, Cn);
    CHECK(s.status == pydiv::EmdStatus::invalid_input, "-inf cost: %s",
          pydiv::emd_status_name(s.status));

    // All-zero masses: trivially optimal with cost 0; one side zero: infeasible.
    Vec z(4, 0.0), C44(16);
    for (auto& c : C44) c = U(rng);
    s = solve_dense(ns, z, z, C44);
    CHECK(s.status == pydiv::EmdStatus::optimal && s.cost == 0.0 && ns.plan_size() == 0,
          "zero mass: %s", pydiv::emd_status_name(s.status));
    double viol = 0;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) viol = std::max(viol, ns.u()[i] + ns.v()[j] - C44[i * 4 + j]);
    CHECK(viol <= 1e-12, "zero mass duals %.3g", viol);
    Vec o(4, 0.25);
    s = solve_dense(ns, z, o, C44);
    CHECK(s.status == pydiv::EmdStatus::infeasible, "one side zero: %s",
          pydiv::emd_status_name(s.status));
    // Empty problem.
    s = ns.solve(nullptr, 0, nullptr, 0, [](int64_t, int64_t) { return 0.0; }, 0);
    CHECK(s.status == pydiv::EmdStatus::optimal && s.cost == 0.0, "empty: %s",
          pydiv::emd_status_name(s.status));
}

void test_zero_mass_potentials(std::mt19937_64& rng) {
    // Zero-mass rows/cols with forbidden arcs around them.
    std::uniform_real_distribution<double> U(0.0, 1.0);
    pydiv::NetworkSimplex ns;
    for (int t = 0; t < 50; ++t) {
        const int64_t n = 2 + t % 13, m = 2 + (t * 5) % 17;
        Vec a = random_weights(rng, n, 0.5), b = random_weights(rng, m, 0.5);
        Vec C(n * m);
        for (auto& c : C) c = U(rng) * 10 - 3;
        for (int64_t i = 0; i < n; ++i)
            if (a[i] == 0.0)
                for (int64_t j = 0; j < m; ++j)
                    if (U(rng) < 0.5) C[i * m + j] = kInf;
        auto s = solve_dense(ns, a, b, C);
        check_certificate("zero-mass#" + std::to_string(t), a, b, C, s, ns);
    }
}

}  // namespace

int main() {
    std::mt19937_64 rng(20240611);
    const auto t0 = std::chrono::steady_clock::now();
    test_forbidden(rng);
    test_status_paths(rng);
    test_zero_mass_potentials(rng);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%d passed, %d failed (%.1f s)\n", g_passed, g_failed, secs);
    return g_failed == 0 ? 0 : 1;
}
