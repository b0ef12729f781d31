// Native tests of the batched EMD (src/cpp/emd/emd_batch.hpp) and of the
// warm start (src/cpp/emd/simplex_warm.hpp).
//
//   g++ -std=c++17 -O1 -g -fopenmp -fsanitize=address,undefined -fno-sanitize-recover=all
//       -Isrc/cpp -Itests/native tests/native/emd/test_emd_batch.cpp src/cpp/core/threads.cpp
//       -o /tmp/teb && /tmp/teb
//
// Batches: every problem's outputs are bitwise those of a single solve, at
// 1, 2 and 4 threads, and certified; a stop request before the start leaves
// every problem interrupted.  Warm starts: certified optimum equal to the
// cold one, from the previous step of a moving problem, from the plan of an
// unrelated problem and with weights the earlier plan does not fit.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "emd/emd_batch.hpp"
#include "emd_checks.hpp"

namespace {

struct Batch {
    int64_t B, n, m;
    Vec a, b, C;
};

Batch random_batch(std::mt19937_64& rng, int64_t B, int64_t n, int64_t m) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    Batch t{B, n, m, Vec(B * n), Vec(B * m), Vec(B * n * m)};
    for (int64_t k = 0; k < B; ++k) {
        double sa = 0.0, sb = 0.0;
        for (int64_t i = 0; i < n; ++i) sa += (t.a[k * n + i] = (k % 4 == 1 && i % 3 == 0) ? 0.0 : U(rng) + 0.01);
        for (int64_t j = 0; j < m; ++j) sb += (t.b[k * m + j] = U(rng) + 0.01);
        for (int64_t i = 0; i < n; ++i) t.a[k * n + i] /= sa;
        for (int64_t j = 0; j < m; ++j) t.b[k * m + j] /= sb;
        for (int64_t e = 0; e < n * m; ++e)
            t.C[k * n * m + e] = k % 3 == 2 ? std::floor(3.0 * U(rng)) : U(rng) * std::pow(10.0, double(k % 6) - 3);
    }
    return t;
}

void test_batch_matches_single(std::mt19937_64& rng) {
    const Batch t = random_batch(rng, 23, 14, 11);
    const int64_t n = t.n, m = t.m;
    for (const int threads : {1, 2, 4}) {
        pydiv::EmdBatch out;
        pydiv::solve_emd_batch(
            t.B, n, m, threads,
            [&](pydiv::NetworkSimplex& ns, int64_t k, auto& stop) {
                return ns.solve(t.a.data() + k * n, n, t.b.data() + k * m, m, Dense{t.C.data() + k * n * m, m}, 0,
                                stop);
            },
            [] { return false; }, out);
        CHECK(out.offsets.size() == size_t(t.B + 1), "offsets size");
        for (int64_t k = 0; k < t.B; ++k) {
            pydiv::NetworkSimplex ns;
            const Vec a(t.a.begin() + k * n, t.a.begin() + (k + 1) * n), b(t.b.begin() + k * m, t.b.begin() + (k + 1) * m);
            const Vec C(t.C.begin() + k * n * m, t.C.begin() + (k + 1) * n * m);
            const auto s = ns.solve(a.data(), n, b.data(), m, Dense{C.data(), m});
            const std::string name = "batch problem " + std::to_string(k) + " threads " + std::to_string(threads);
            check_certificate(name, a, b, C, s, ns);
            bool same = out.cost[k] == s.cost && out.status[k] == int(s.status) && out.n_iter[k] == s.n_iter;
            for (int64_t i = 0; i < n; ++i) same = same && (out.u[k * n + i] == ns.u()[i] || std::isnan(ns.u()[i]));
            for (int64_t j = 0; j < m; ++j) same = same && out.v[k * m + j] == ns.v()[j];
            const int64_t lo = out.offsets[k], hi = out.offsets[k + 1];
            same = same && hi - lo == ns.plan_size();
            for (int64_t e = 0; same && e < hi - lo; ++e) {
                same = out.rows[lo + e] == ns.plan_rows()[e] && out.cols[lo + e] == ns.plan_cols()[e] &&
                       out.mass[lo + e] == ns.plan_mass()[e];
            }
            CHECK(same, "%s: outputs differ from the single solve", name.c_str());
        }
    }
}

void test_stop_before_start(std::mt19937_64& rng) {
    const Batch t = random_batch(rng, 9, 6, 7);
    pydiv::EmdBatch out;
    pydiv::solve_emd_batch(
        t.B, t.n, t.m, 1,
        [&](pydiv::NetworkSimplex& ns, int64_t k, auto& stop) {
            return ns.solve(t.a.data() + k * t.n, t.n, t.b.data() + k * t.m, t.m,
                            Dense{t.C.data() + k * t.n * t.m, t.m}, 0, stop);
        },
        [] { return true; }, out);
    bool all = out.mass.empty();
    for (int64_t k = 0; k < t.B; ++k) all = all && out.status[k] == int(pydiv::EmdStatus::interrupted);
    CHECK(all, "a stop before the start leaves every problem interrupted");
}

void test_warm_start(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    const int64_t n = 30, m = 26;
    for (int trial = 0; trial < 40; ++trial) {
        Vec a(n), b(m), C(n * m), C2(n * m), a2(n);
        double sa = 0, sb = 0, sa2 = 0;
        for (auto& x : a) sa += (x = trial % 2 ? 1.0 : U(rng) + 0.05);
        for (auto& x : b) sb += (x = U(rng) + 0.05);
        for (auto& x : a2) sa2 += (x = U(rng) < 0.2 ? 0.0 : U(rng) + 0.05);
        for (auto& x : a) x /= sa;
        for (auto& x : b) x /= sb;
        for (auto& x : a2) x /= sa2;
        for (int64_t e = 0; e < n * m; ++e) {
            C[e] = trial % 4 == 3 ? std::floor(3.0 * U(rng)) : U(rng);
            C2[e] = C[e] + 1e-2 * U(rng);
        }
        pydiv::NetworkSimplex first, warm, cold;
        first.solve(a.data(), n, b.data(), m, Dense{C.data(), m});
        const std::vector<int64_t> rows = first.plan_rows(), cols = first.plan_cols();
        const Vec u = first.u(), v = first.v();
        for (const Vec* w : {&a, &a2}) {  // the same weights, and weights the plan does not fit
            warm.set_warm_start(rows.data(), cols.data(), int64_t(rows.size()), u.data(), v.data());
            const auto s = warm.solve(w->data(), n, b.data(), m, Dense{C2.data(), m});
            const auto c = cold.solve(w->data(), n, b.data(), m, Dense{C2.data(), m});
            const std::string name = "warm trial " + std::to_string(trial) + (w == &a ? "" : " new weights");
            check_certificate(name, *w, b, C2, s, warm);
            CHECK(std::fabs(s.cost - c.cost) <= 1e-13 * std::fabs(c.cost), "%s: %.17g vs cold %.17g", name.c_str(),
                  s.cost, c.cost);
            if (w == &a && trial % 2 == 0) CHECK(warm.warm_started(), "%s: the warm basis is used", name.c_str());
        }
        // The solve after a warm one starts cold: the arcs serve one solve.
        warm.solve(a.data(), n, b.data(), m, Dense{C2.data(), m});
        CHECK(!warm.warm_started(), "trial %d: warm arcs forgotten", trial);
    }
}

}  // namespace

int main() {
    std::mt19937_64 rng(20261203);
    test_batch_matches_single(rng);
    test_stop_before_start(rng);
    test_warm_start(rng);
    std::printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
