// Distance matrices of exact EMDs between point clouds (pairwise.hpp).
#include <cmath>
#include <limits>
#include <vector>

#include "ground_cost.hpp"
#include "network_simplex.hpp"
#include "pairwise.hpp"
#include "threads.hpp"

namespace pydiv {
namespace {

std::int64_t condensed_offset(std::int64_t i, std::int64_t n) { return i * n - i * (i + 1) / 2; }

// One problem: the cost matrix of the two clouds, then the simplex.  Clouds in
// these matrices are small, where a dense cost matrix is the faster pricing.
double emd_value(NetworkSimplex& solver, std::vector<double>& costs, const CloudSet& x, std::int64_t i,
                 const CloudSet& y, std::int64_t j, std::int64_t dim, GroundMetric metric, double p, double w) {
    const std::int64_t xb = x.offsets[i], n = x.offsets[i + 1] - xb;
    const std::int64_t yb = y.offsets[j], m = y.offsets[j + 1] - yb;
    costs.resize(static_cast<std::size_t>(n * m));
    with_ground_cost(metric, x.coords + xb * dim, y.coords + yb * dim, dim, p, w, [&](auto cost) {
        for (std::int64_t r = 0; r < n; ++r) cost.row(r, 0, m, costs.data() + r * m);
        return 0;
    });
    const EmdSolution s = solver.solve(x.weights + xb, n, y.weights + yb, m, DenseCost{costs.data(), m});
    if (s.status != EmdStatus::optimal) return std::numeric_limits<double>::quiet_NaN();
    const double c = s.cost > 0.0 ? s.cost : 0.0;
    return p == 1.0 ? c : std::pow(c, 1.0 / p);
}

}  // namespace

template <class Out>
std::int64_t emd_pair_block(const CloudSet& x, const CloudSet& y, std::int64_t dim, int ground_metric, double p,
                            double w, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed, Out* out,
                            int threads) {
    const auto metric = static_cast<GroundMetric>(ground_metric);
    const std::int64_t rows = i1 - i0;
    const std::int64_t m = y.count;
    const std::int64_t base = condensed ? condensed_offset(i0, x.count) : 0;
    const int nt = resolve_threads(threads);
    (void)nt;  // unused without OpenMP
    std::int64_t failed = 0;
#pragma omp parallel num_threads(nt) if (nt > 1 && rows * m > 1) reduction(+ : failed)
    {
        NetworkSimplex solver;  // one workspace per thread, reused for all its pairs
        std::vector<double> costs;
#pragma omp for collapse(2) schedule(dynamic, 1)
        for (std::int64_t r = 0; r < rows; ++r) {
            for (std::int64_t j = 0; j < m; ++j) {
                const std::int64_t i = i0 + r;
                if (symmetric && j <= i) continue;
                const double v = emd_value(solver, costs, x, i, y, j, dim, metric, p, w);
                if (std::isnan(v)) ++failed;
                if (condensed)
                    out[condensed_offset(i, x.count) - base + (j - i - 1)] = static_cast<Out>(v);
                else
                    out[r * m + j] = static_cast<Out>(v);
            }
        }
    }
    if (symmetric && !condensed) {
        for (std::int64_t i = i0; i < i1; ++i) {
            Out* row = out + (i - i0) * m;
            for (std::int64_t j = i0; j < i; ++j) row[j] = out[(j - i0) * m + i];
            row[i] = Out(0);
        }
    }
    return failed;
}

template std::int64_t emd_pair_block<double>(const CloudSet&, const CloudSet&, std::int64_t, int, double, double,
                                             std::int64_t, std::int64_t, bool, bool, double*, int);
template std::int64_t emd_pair_block<float>(const CloudSet&, const CloudSet&, std::int64_t, int, double, double,
                                            std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
