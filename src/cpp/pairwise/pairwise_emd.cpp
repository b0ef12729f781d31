// Distance matrices of exact EMDs between point clouds (pairwise.hpp).
#include <cmath>
#include <limits>
#include <vector>

#include "emd/ground_cost.hpp"
#include "emd/network_simplex.hpp"
#include "pairwise/pairwise.hpp"
#include "pairwise/pair_walk.hpp"

namespace pydiv {
namespace {

// One problem: the cost matrix of the two clouds, then the simplex.  Clouds in
// these matrices are small, where a dense cost matrix is the faster pricing.
// Each thread keeps its solver workspace and cost buffer across problems.
double emd_value(const CloudSet& x, std::int64_t i, const CloudSet& y, std::int64_t j, std::int64_t dim,
                 GroundMetric metric, double p, double w) {
    thread_local NetworkSimplex solver;
    thread_local std::vector<double> costs;
    const std::int64_t xb = x.offsets[i], n = x.offsets[i + 1] - xb;
    const std::int64_t yb = y.offsets[j], m = y.offsets[j + 1] - yb;
    costs.resize(static_cast<std::size_t>(n * m));
    with_ground_cost(metric, x.coords + xb * dim, y.coords + yb * dim, dim, p, w, [&](auto cost) {
        for (std::int64_t r = 0; r < n; ++r) cost.row(r, 0, m, costs.data() + r * m);
        return 0;
    });
    // The clouds' weights are exact (scaled by powers of two, not normalised):
    // the pair is brought to one total here, exactly when the totals agree up
    // to a power of two, and the cost is divided by that total.
    thread_local std::vector<double> balanced;
    const double* a = x.weights + xb;
    const double* b = y.weights + yb;
    double sa = 0.0, sb = 0.0;
    for (std::int64_t r = 0; r < n; ++r) sa += a[r];
    for (std::int64_t c = 0; c < m; ++c) sb += b[c];
    if (sa != sb) {
        balanced.resize(static_cast<std::size_t>(m));
        const double ratio = sa / sb;
        for (std::int64_t c = 0; c < m; ++c) balanced[static_cast<std::size_t>(c)] = b[c] * ratio;
        b = balanced.data();
    }
    const EmdSolution s = solver.solve(a, n, b, m, DenseCost{costs.data(), m});
    if (s.status != EmdStatus::optimal) return std::numeric_limits<double>::quiet_NaN();
    const double c = s.cost > 0.0 ? s.cost / sa : 0.0;
    return p == 1.0 ? c : std::pow(c, 1.0 / p);
}

}  // namespace

template <class Out>
std::int64_t emd_pair_block(const CloudSet& x, const CloudSet& y, std::int64_t dim, int ground_metric, double p,
                            double w, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed, Out* out,
                            int threads) {
    const auto metric = static_cast<GroundMetric>(ground_metric);
    std::int64_t failed = 0;
    // A simplex solve costs about (n m) log(n m) element visits.
    const double nx = static_cast<double>(x.offsets[x.count]) / static_cast<double>(x.count > 0 ? x.count : 1);
    const double ny = static_cast<double>(y.offsets[y.count]) / static_cast<double>(y.count > 0 ? y.count : 1);
    // One row per task: a pair can take milliseconds, so tasks stay small.
    pair_walk::walk_block(x.count, y.count, i0, i1, symmetric, condensed, out, threads, 8.0 * nx * ny, 1,
                          [&](std::int64_t i, std::int64_t j) {
                              const double v = emd_value(x, i, y, j, dim, metric, p, w);
                              if (std::isnan(v)) {
#pragma omp atomic
                                  ++failed;
                              }
                              return v;
                          });
    return failed;
}

template std::int64_t emd_pair_block<double>(const CloudSet&, const CloudSet&, std::int64_t, int, double, double,
                                             std::int64_t, std::int64_t, bool, bool, double*, int);
template std::int64_t emd_pair_block<float>(const CloudSet&, const CloudSet&, std::int64_t, int, double, double,
                                            std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
