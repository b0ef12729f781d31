// Native tests of the network simplex EMD solver (src/cpp/emd/network_simplex.hpp).
//
//   g++ -std=c++17 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
//       -Isrc/cpp tests/native/emd/test_network_simplex.cpp src/cpp/core/threads.cpp
//       -o /tmp/tns && /tmp/tns
//
// Optimality is checked through certificates (primal feasibility, dual
// feasibility on ALL arcs, zero duality gap, complementary slackness), which
// prove optimality on their own; a few fixtures were also solved offline with
// scipy.optimize.linprog(method="highs").
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

// ---------------------------------------------------------------------------

struct Fixture {
    int n, m;
    Vec a, b, C;
    double ref;
};

void test_fixtures() {
    // Solved offline with scipy.optimize.linprog(method="highs").
    const std::vector<Fixture> fx = {
    {5, 2, {0.18449042335126692, 0, 0.39387285150704915, 0.22779500180922399, 0.19384172333246}, {0, 1}, {0.88647991932751768, 0.6974534998820221, 0.32647286407011211, 0.7339281633300665, 0.22013495554548623, 0.081594569542208117, 0.15989560107504752, 0.34010018495470529, 0.46519315370205094, 0.26642102829077097}, 0.28992801073710045},
    {4, 5, {0.19081451977407665, 0.12780805323503772, 0.090488739019015219, 0.59088868797187044}, {0.2283395046114986, 0.24659137571393014, 0.14492551486339525, 0.24880303424691105, 0.13134057056426496}, {1, 1, 1, 1, 2, 1, 3, 1, 0, 0, 0, 2, 1, 1, 2, 0, 2, 2, 0, 0}, 0.4472937465171789},
    {3, 2, {0.54496538110205184, 0.18566006970586166, 0.26937454919208648}, {0.51603981038913338, 0.48396018961086662}, {0.21197903635151061, 0.49563059667304066, 0.24626132583073757, 0.83848265246694476, 0.18013059009503507, 0.86215629150923645}, 0.34704079066971977},
    {4, 2, {0.43646738755271663, 0, 0.12163296561271292, 0.44189964683457045}, {0.78443079250246206, 0.215569207497538}, {3, 0, 3, 3, 2, 1, 1, 2}, 1.3478601182255325},
    {5, 2, {0.14105795597873527, 0.0076550683815861317, 0.16555519489214368, 0.68573178074753494, 0}, {0.70793258404884607, 0.29206741595115393}, {0.20376759615561235, 0.55205095476162169, 0.36699414205166747, 0.50728172139235683, 0.33343779669628582, 0.28272167410787841, 0.28183030130520703, 0.085381292121287755, 0.48181365578068525, 0.88334289451455428}, 0.22263840518204081},
    {6, 6, {0.01381315388354231, 0.46294119601491251, 0.061300543106400755, 0.37723638206950838, 0, 0.084708724925636011}, {0.23865565737889999, 0.023767504701312094, 0.1316339803694094, 0.1308570707641539, 0.2127994857086265, 0.26228630107759815}, {0, 3, 1, 3, 3, 0, 3, 1, 3, 3, 0, 2, 0, 1, 3, 0, 2, 3, 2, 0, 2, 0, 3, 3, 3, 3, 1, 3, 2, 1, 2, 0, 0, 2, 2, 1}, 0.94550703382065682},
    };
    for (const auto init : {pydiv::EmdInitialBasis::artificial, pydiv::EmdInitialBasis::row_minimum}) {
        pydiv::NetworkSimplex ns;
        ns.set_initial_basis(init);
        int idx = 0;
        for (const auto& f : fx) {
            const std::string name = "fixture" + std::to_string(idx++);
            const auto s = solve_dense(ns, f.a, f.b, f.C);
            check_certificate(name, f.a, f.b, f.C, s, ns);
            CHECK(std::fabs(s.cost - f.ref) <= 1e-9, "%s: cost %.17g vs linprog %.17g",
                  name.c_str(), s.cost, f.ref);
        }
    }
}

void test_hand_made() {
    pydiv::NetworkSimplex ns;
    {
        Vec a{0.5, 0.5}, b{0.5, 0.5}, C{0, 1, 1, 0};
        auto s = solve_dense(ns, a, b, C);
        check_certificate("2x2 identity", a, b, C, s, ns);
        CHECK(s.cost == 0.0, "cost %.17g", s.cost);
    }
    {
        Vec a{1.0}, b{1.0}, C{3.5};
        auto s = solve_dense(ns, a, b, C);
        check_certificate("1x1", a, b, C, s, ns);
        CHECK(s.cost == 3.5, "cost %.17g", s.cost);
        CHECK(ns.plan_size() == 1, "plan size %lld", (long long)ns.plan_size());
    }
    {
        // Two parallel vertical segments at distance theta: W1 = theta.
        const int64_t k = 50;
        const double theta = 0.7;
        Vec x(2 * k), y(2 * k), a(k, 1.0 / k), b(k, 1.0 / k);
        for (int64_t i = 0; i < k; ++i) {
            x[2 * i] = 0.0;
            x[2 * i + 1] = double(i) / k;
            y[2 * i] = theta;
            y[2 * i + 1] = double(i) / k;
        }
        pydiv::PointCloudCost<pydiv::GroundMetric::euclidean, pydiv::GroundPower::one> cost{
            x.data(), y.data(), 2, 1.0, 2.0};
        Vec C(k * k);
        for (int64_t i = 0; i < k; ++i)
            for (int64_t j = 0; j < k; ++j) C[i * k + j] = cost(i, j);
        auto s = ns.solve(a.data(), k, b.data(), k, cost, 0);
        check_certificate("segments", a, b, C, s, ns);
        CHECK(std::fabs(s.cost - theta) <= 1e-12, "segments cost %.17g", s.cost);
    }
    {
        // Negative costs.
        Vec a{0.25, 0.75}, b{0.5, 0.5}, C{-1, 2, -3, 0.5};
        auto s = solve_dense(ns, a, b, C);
        check_certificate("negative costs", a, b, C, s, ns);
    }
}

void test_random(std::mt19937_64& rng) {
    std::uniform_int_distribution<int64_t> dim(1, 60);
    std::uniform_real_distribution<double> U(0.0, 1.0);
    std::uniform_int_distribution<int> I4(0, 3);
    pydiv::NetworkSimplex ns_art, ns_row, ns_blk;  // reused across all problems
    ns_art.set_initial_basis(pydiv::EmdInitialBasis::artificial);
    ns_row.set_initial_basis(pydiv::EmdInitialBasis::row_minimum);
    ns_blk.set_block_size(3);
    for (int t = 0; t < 400; ++t) {
        const int64_t n = dim(rng), m = dim(rng);
        const int kind = t % 4;  // 0: float, 1: small int, 2: zeros in weights, 3: int + zeros
        const double pz = (kind >= 2) ? 0.3 : 0.0;
        Vec a = random_weights(rng, n, pz), b = random_weights(rng, m, pz);
        Vec C(n * m);
        for (auto& c : C) c = (kind % 2) ? double(I4(rng)) : U(rng);
        const std::string name = "random#" + std::to_string(t) + " " + std::to_string(n) + "x" +
                                 std::to_string(m);
        auto s1 = solve_dense(ns_art, a, b, C);
        auto s2 = solve_dense(ns_row, a, b, C);
        auto s3 = ns_blk.solve(a.data(), n, b.data(), m, pydiv::DenseCost{C.data(), m}, 0);
        const bool ok1 = check_certificate(name + " art", a, b, C, s1, ns_art);
        check_certificate(name + " rowmin", a, b, C, s2, ns_row);
        check_certificate(name + " block3", a, b, C, s3, ns_blk);
        CHECK(std::fabs(s1.cost - s2.cost) <= 1e-12 * std::max(1.0, s1.cost) &&
                  std::fabs(s1.cost - s3.cost) <= 1e-12 * std::max(1.0, s1.cost),
              "%s: costs differ %.17g %.17g %.17g", name.c_str(), s1.cost, s2.cost, s3.cost);
        if (!ok1) break;
    }
}

void test_point_clouds(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    pydiv::NetworkSimplex ns;
    const pydiv::GroundMetric metrics[] = {
        pydiv::GroundMetric::euclidean, pydiv::GroundMetric::sqeuclidean,
        pydiv::GroundMetric::cityblock, pydiv::GroundMetric::chebyshev,
        pydiv::GroundMetric::minkowski};
    for (int t = 0; t < 40; ++t) {
        const int64_t n = 1 + t % 37, m = 1 + (t * 7) % 41, d = 1 + t % 3;
        Vec x(n * d), y(m * d);
        for (auto& z : x) z = U(rng);
        for (auto& z : y) z = U(rng);
        // Duplicated points.
        if (n > 3) std::copy(x.begin(), x.begin() + d, x.begin() + 2 * d);
        if (m > 3) std::copy(x.begin(), x.begin() + d, y.begin() + d);
        Vec a = random_weights(rng, n, 0.1), b = random_weights(rng, m, 0.1);
        const auto metric = metrics[t % 5];
        const double p = (t % 3 == 0) ? 1.0 : (t % 3 == 1 ? 2.0 : 1.5);
        const double w = 3.0;
        pydiv::with_ground_cost(metric, x.data(), y.data(), d, p, w, [&](auto cost) {
            Vec C(n * m);
            for (int64_t i = 0; i < n; ++i)
                for (int64_t j = 0; j < m; ++j) C[i * m + j] = cost(i, j);
            // Reference values of the metric.
            const double dx = x[0] - y[0];
            double ref = 0.0;
            if (d == 1) {
                const double ad = std::fabs(dx);
                ref = metric == pydiv::GroundMetric::sqeuclidean ? std::pow(ad * ad, p)
                                                                  : std::pow(ad, p);
                CHECK(std::fabs(C[0] - ref) <= 1e-12, "metric %d p %g: %.17g vs %.17g",
                      (int)metric, p, C[0], ref);
            }
            auto s = ns.solve(a.data(), n, b.data(), m, cost, 0);
            check_certificate("cloud#" + std::to_string(t), a, b, C, s, ns);
            return 0;
        });
    }
}

// The Euclidean functor prices through the sqrt screening (row_squared); the
// dense copy of the same costs through the plain path: same optimum.
void test_screening(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    pydiv::NetworkSimplex ns1, ns2;
    for (int t = 0; t < 60; ++t) {
        const int64_t n = 1 + (t * 13) % 90, m = 1 + (t * 29) % 70, d = 1 + t % 4;
        Vec x(n * d), y(m * d);
        const double sc = t % 3 == 0 ? 1e-3 : (t % 3 == 1 ? 1.0 : 1e4);
        for (auto& z : x) z = sc * (t % 5 == 0 ? std::floor(4 * U(rng)) : U(rng));
        for (auto& z : y) z = sc * (t % 5 == 0 ? std::floor(4 * U(rng)) : U(rng));
        Vec a = random_weights(rng, n, t % 2 ? 0.2 : 0.0), b = random_weights(rng, m, 0.0);
        pydiv::PointCloudCost<pydiv::GroundMetric::euclidean, pydiv::GroundPower::one> cost{
            x.data(), y.data(), d, 1.0, 2.0};
        Vec C(n * m);
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < m; ++j) C[i * m + j] = cost(i, j);
        ns1.set_initial_basis(t % 2 ? pydiv::EmdInitialBasis::artificial
                                    : pydiv::EmdInitialBasis::row_minimum);
        auto s1 = ns1.solve(a.data(), n, b.data(), m, cost, 0);
        auto s2 = ns2.solve(a.data(), n, b.data(), m, pydiv::DenseCost{C.data(), m}, 0);
        const std::string name = "screen#" + std::to_string(t);
        check_certificate(name, a, b, C, s1, ns1, 1e-12);
        CHECK(std::fabs(s1.cost - s2.cost) <= 1e-12 * std::max(1.0, s2.cost), "%s: %.17g vs %.17g",
              name.c_str(), s1.cost, s2.cost);
    }
}

void test_edge_shapes(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    pydiv::NetworkSimplex ns;
    for (auto nm : {std::pair<int64_t, int64_t>{1, 1}, {1, 2000}, {2000, 1}, {1, 7}, {9, 1}}) {
        const int64_t n = nm.first, m = nm.second;
        Vec a = random_weights(rng, n, 0.0), b = random_weights(rng, m, 0.2);
        Vec C(n * m);
        for (auto& c : C) c = U(rng);
        auto s = solve_dense(ns, a, b, C);
        check_certificate("shape " + std::to_string(n) + "x" + std::to_string(m), a, b, C, s, ns);
        double ref = 0.0;  // one side has a single node: the plan is forced
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < m; ++j) ref += (n == 1 ? b[j] : a[i]) * C[i * m + j];
        CHECK(std::fabs(ref - s.cost) <= 1e-12, "forced plan cost %.17g vs %.17g", s.cost, ref);
    }
}

void test_degenerate(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> I4(0, 3);
    for (const auto init : {pydiv::EmdInitialBasis::artificial, pydiv::EmdInitialBasis::row_minimum}) {
        pydiv::NetworkSimplex ns;
        ns.set_initial_basis(init);
        const int64_t n = 500, m = 500;
        Vec a(n, 1.0 / n), b(m, 1.0 / m), C(n * m);
        for (auto& c : C) c = double(I4(rng));
        auto s = solve_dense(ns, a, b, C);
        check_certificate("500x500 int 0..3", a, b, C, s, ns);
        Vec E(n * m, 2.5);
        s = solve_dense(ns, a, b, E);
        check_certificate("500x500 all equal", a, b, E, s, ns);
        CHECK(std::fabs(s.cost - 2.5) <= 1e-12, "all-equal cost %.17g", s.cost);
        // Integer weights (many ties in the flows) + integer costs.
        Vec ai(n), bj(m);
        std::uniform_int_distribution<int> W(0, 3);
        double sa = 0, sb = 0;
        for (auto& x : ai) sa += (x = W(rng));
        for (auto& x : bj) sb += (x = W(rng));
        bj[0] += sa - sb;
        if (bj[0] < 0) {
            ai[0] -= bj[0];
            bj[0] = 0;
        }
        s = solve_dense(ns, ai, bj, C);
        check_certificate("500x500 int weights", ai, bj, C, s, ns, 1e-9);
    }
}

}  // namespace

int main() {
    std::mt19937_64 rng(20240611);
    const auto t0 = std::chrono::steady_clock::now();
    test_fixtures();
    test_hand_made();
    test_random(rng);
    test_point_clouds(rng);
    test_screening(rng);
    test_edge_shapes(rng);
    test_degenerate(rng);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%d passed, %d failed (%.1f s)\n", g_passed, g_failed, secs);
    return g_failed == 0 ? 0 : 1;
}
