// Native tests of the grid EMD (src/cpp/grid/grid_emd.hpp) and the sparse
// network simplex under it (src/cpp/emd/sparse_simplex.hpp).
//
// For every metric, on 1-D, 2-D and 3-D grids with random, sparse (most
// cells empty) and point masses, and spacings over many orders of
// magnitude: the cost equals the bipartite solver's on the dense ground-cost
// matrix; the grid potentials certify it against the dense costs
// (u_x + v_z <= d(x, z) for every pair, a.u + b.v == cost); the flow
// conserves the masses (neighbour graphs) and the plan has the marginals
// and the cost (partite).  Also: a stop request interrupts; unbalanced
// supplies are infeasible.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "check.hpp"
#include "emd/network_simplex.hpp"
#include "grid/grid_emd.hpp"

namespace {

using Vec = std::vector<double>;

void coords(const pydiv::GridShape& g, int64_t x, int64_t* c) {
    for (int k = g.d - 1; k >= 0; --k) {
        c[k] = x % g.n[k];
        x /= g.n[k];
    }
}

double ground(const pydiv::GridShape& g, pydiv::GridMetric m, int64_t x, int64_t z) {
    int64_t cx[3], cz[3];
    coords(g, x, cx);
    coords(g, z, cz);
    double s = 0.0;
    for (int k = 0; k < g.d; ++k) {
        const double t = g.spacing[k] * std::fabs(double(cx[k] - cz[k]));
        if (m == pydiv::GridMetric::cityblock) s += t;
        else if (m == pydiv::GridMetric::chebyshev) s = std::max(s, t);
        else s += t * t;
    }
    return s;
}

Vec masses(std::mt19937_64& rng, int64_t C, int kind) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    Vec a(C, 0.0);
    double s = 0.0;
    for (int64_t x = 0; x < C; ++x) {
        a[x] = kind == 0 ? U(rng) : kind == 1 ? (U(rng) < 0.1 ? U(rng) : 0.0) : (x == C / 3 ? 1.0 : 0.0);
        s += a[x];
    }
    if (s == 0.0) a[0] = s = 1.0;
    for (double& w : a) w /= s;
    return a;
}

void check_one(std::mt19937_64& rng, const pydiv::GridShape& g, pydiv::GridMetric m, int kind) {
    const int64_t C = g.cells();
    const Vec a = masses(rng, C, kind), b = masses(rng, C, kind == 2 ? 0 : kind);
    Vec u(C), v(C);
    int off[26][3];
    const int H = m == pydiv::GridMetric::sqeuclidean ? 0 : pydiv::grid_stencil(g, m, off) / 2;
    Vec flow(static_cast<size_t>(H) * C);
    pydiv::GridEmd ws;
    auto never = [] { return false; };
    const pydiv::EmdSolution s = ws.solve(g, m, a.data(), b.data(), u.data(), v.data(), H ? flow.data() : nullptr,
                                          true, 0, never);
    CHECK(s.status == pydiv::EmdStatus::optimal);
    pydiv::NetworkSimplex dense;
    const auto cost = [&](int64_t i, int64_t j) { return ground(g, m, i, j); };
    const pydiv::EmdSolution r = dense.solve(a.data(), C, b.data(), C, cost);
    CHECK_CLOSE(s.cost, r.cost, 1e-9, 1e-300);
    // As tests/reference.py's scale-free certificate: slack >= -1e-11 (d + |u|
    // + |v|) minus what the total can resolve (1e-14 of the largest cost).
    double dual = 0.0, scale = 0.0, worst = 0.0, dmax = 0.0;
    for (int64_t x = 0; x < C; ++x)
        for (int64_t z = 0; z < C; ++z) dmax = std::max(dmax, ground(g, m, x, z));
    for (int64_t x = 0; x < C; ++x) {
        dual += a[x] * u[x] + b[x] * v[x];
        scale += a[x] * std::fabs(u[x]) + b[x] * std::fabs(v[x]);
        for (int64_t z = 0; z < C; ++z) {
            const double d = ground(g, m, x, z);
            const double size = d + std::fabs(u[x]) + std::fabs(v[z]);
            worst = std::max(worst, (u[x] + v[z] - d - 1e-14 * dmax) / (size + 1e-300));
        }
    }
    if (!(worst <= 1e-11)) std::printf("d=%d metric=%d kind=%d worst=%g\n", g.d, int(m), kind, worst);
    CHECK(worst <= 1e-11);
    CHECK_CLOSE(dual, s.cost, 1e-12, 1e-12 * scale);
    if (H > 0) {  // divergence of the flow == a - b
        Vec net(C, 0.0);
        for (int i = 0; i < H; ++i)
            for (int64_t x = 0; x < C; ++x) {
                const double f = flow[i * C + x];
                if (f == 0.0) continue;
                int64_t c[3] = {0, 0, 0};
                coords(g, x, c);
                int64_t y = 0;
                for (int k = 0; k < g.d; ++k) y = y * g.n[k] + (c[k] + off[i][k]);
                net[x] += f;
                net[y] -= f;
            }
        double err = 0.0;
        for (int64_t x = 0; x < C; ++x) err = std::max(err, std::fabs(net[x] - (a[x] - b[x])));
        CHECK(err <= 1e-13);
    } else {
        Vec ra(C, 0.0), rb(C, 0.0);
        double pc = 0.0;
        for (const pydiv::GridPlanEntry& e : ws.plan()) {
            ra[e.source] += e.mass;
            rb[e.target] += e.mass;
            pc += e.mass * ground(g, m, e.source, e.target);
        }
        double err = 0.0;
        for (int64_t x = 0; x < C; ++x) err = std::max({err, std::fabs(ra[x] - a[x]), std::fabs(rb[x] - b[x])});
        CHECK(err <= 1e-13);
        CHECK_CLOSE(pc, s.cost, 1e-12, 1e-300);
    }
}

pydiv::GridShape shape(int d, int64_t n0, int64_t n1, int64_t n2, double s0, double s1, double s2) {
    pydiv::GridShape g;
    g.d = d;
    g.n[0] = n0;
    g.n[1] = d > 1 ? n1 : 1;
    g.n[2] = d > 2 ? n2 : 1;
    g.spacing[0] = s0;
    g.spacing[1] = s1;
    g.spacing[2] = s2;
    return g;
}

}  // namespace

int main() {
    std::mt19937_64 rng(7);
    const pydiv::GridMetric metrics[3] = {pydiv::GridMetric::cityblock, pydiv::GridMetric::chebyshev,
                                          pydiv::GridMetric::sqeuclidean};
    for (const auto m : metrics)
        for (int kind = 0; kind < 3; ++kind) {
            const bool cheb = m == pydiv::GridMetric::chebyshev;
            check_one(rng, shape(1, 17, 1, 1, 1.0, 1.0, 1.0), m, kind);
            check_one(rng, shape(2, 7, 9, 1, 1.0, cheb ? 1.0 : 3.5, 1.0), m, kind);
            check_one(rng, shape(2, 8, 8, 1, 1e-6, cheb ? 1e-6 : 1e3, 1.0), m, kind);
            check_one(rng, shape(3, 4, 5, 3, 2.0, cheb ? 2.0 : 0.5, cheb ? 2.0 : 1e2), m, kind);
        }
    {  // a stop request interrupts
        const pydiv::GridShape g = shape(2, 64, 64, 1, 1.0, 1.0, 1.0);  // > kEmdStopCheckInterval pivots
        const Vec a = masses(rng, 4096, 0), b = masses(rng, 4096, 0);
        Vec u(4096), v(4096);
        pydiv::GridEmd ws;
        int calls = 0;
        const auto stop = [&calls] { return ++calls > 0; };
        const pydiv::EmdSolution s =
            ws.solve(g, pydiv::GridMetric::cityblock, a.data(), b.data(), u.data(), v.data(), nullptr, false, 0, stop);
        CHECK(s.status == pydiv::EmdStatus::interrupted);
        CHECK(std::isnan(u[0]));
    }
    {  // unbalanced supplies are infeasible
        pydiv::SparseSimplex ns;
        const double supply[2] = {1.0, -0.5};
        const int32_t tail[1] = {0}, head[1] = {1};
        const double cost[1] = {1.0};
        const pydiv::EmdSolution s = ns.solve(supply, 2, tail, head, cost, 1, 0, [] { return false; });
        CHECK(s.status == pydiv::EmdStatus::infeasible);
        // an arc the wrong way round cannot route the supply
        const double supply2[2] = {-1.0, 1.0};
        const pydiv::EmdSolution s2 = ns.solve(supply2, 2, tail, head, cost, 1, 0, [] { return false; });
        CHECK(s2.status == pydiv::EmdStatus::infeasible);
    }
    return native_test::finish();
}
