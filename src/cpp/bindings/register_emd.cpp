// Bindings of the exact EMD solver (network_simplex.hpp): convert arrays,
// release the GIL, solve, hand the results back as NumPy arrays.  Validation
// and the meaning of the status codes are the Python layer's work (emd.py).
//
// Ctrl-C: while the GIL is released the solver calls should_stop() every few
// thousand pivots (SignalWatch, bindings.hpp).  If a handler raised
// (KeyboardInterrupt), the solver stops with status `interrupted` and the
// pending Python error is re-raised here.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nanobind/stl/tuple.h>

#include "bindings/bindings.hpp"
#include "emd/ground_cost.hpp"
#include "emd/network_simplex.hpp"

using namespace pydiv_bind;

namespace {

using Vec1 = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Mat2 = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using IdxVec = nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using OutF = nb::ndarray<nb::numpy, double, nb::ndim<1>>;
using OutI = nb::ndarray<nb::numpy, std::int64_t, nb::ndim<1>>;

// (cost, status, n_iter, u, v, rows, cols, mass, basis rows, basis cols,
// basis roots): the last three are the final spanning tree, for a warm start.
using EmdTuple = std::tuple<double, int, std::int64_t, OutF, OutF, OutI, OutI, OutF, OutI, OutI, OutI>;

// One workspace per thread: buffers are reused across calls.
pydiv::NetworkSimplex& workspace() {
    thread_local pydiv::NetworkSimplex ns;
    return ns;
}

template <class T>
nb::ndarray<nb::numpy, T, nb::ndim<1>> to_numpy(const std::vector<T>& v) {
    T* out = new T[v.empty() ? 1 : v.size()];
    std::copy(v.begin(), v.end(), out);
    nb::capsule owner(out, [](void* p) noexcept { delete[] static_cast<T*>(p); });
    return nb::ndarray<nb::numpy, T, nb::ndim<1>>(out, {v.size()}, owner);
}

// Runs solve(stop) with the GIL released (for non-trivial sizes) and turns a
// signal raised during the solve back into the Python exception.
template <class Solve>
EmdTuple run_solver(std::int64_t work, Solve&& solve) {
    pydiv::NetworkSimplex& ns = workspace();
    SignalWatch watch;
    auto stop = [&watch]() -> bool { return watch.should_stop(); };
    pydiv::EmdSolution sol{};
    {
        std::optional<GilRelease> release;
        if (work >= kReleaseGilFrom) release.emplace();
        sol = solve(ns, stop);
    }
    if (watch.signalled()) throw nb::python_error();
    std::vector<std::int64_t> brows, bcols, broots;
    ns.basis(brows, bcols, broots);
    return EmdTuple(sol.cost, static_cast<int>(sol.status), sol.n_iter, to_numpy(ns.u()), to_numpy(ns.v()),
                    to_numpy(ns.plan_rows()), to_numpy(ns.plan_cols()), to_numpy(ns.plan_mass()), to_numpy(brows),
                    to_numpy(bcols), to_numpy(broots));
}

std::int64_t len(std::size_t n) { return static_cast<std::int64_t>(n); }

// Dense cost matrix M (n, m), C-contiguous float64.
EmdTuple emd_dense(Vec1 a, Vec1 b, Mat2 M, std::int64_t max_iter) {
    const std::int64_t n = len(a.shape(0)), m = len(b.shape(0));
    if (len(M.shape(0)) != n || len(M.shape(1)) != m) {
        throw std::invalid_argument("M: shape must be (len(a), len(b))");
    }
    const pydiv::DenseCost cost{M.data(), m};
    return run_solver(n * m, [&](pydiv::NetworkSimplex& ns, auto& stop) {
        return ns.solve(a.data(), n, b.data(), m, cost, max_iter, stop);
    });
}

constexpr std::int64_t kWarmPivotsPerNode = 8;
constexpr std::int64_t kWarmPivotsFloor = 1000;

// emd_dense, starting from the arcs (rows[e], cols[e]) of an earlier basis
// (or plan), grown from its roots and joined by the earlier potentials u, v,
// when they make a feasible basis for a and b (simplex_warm.hpp).
EmdTuple emd_dense_warm(Vec1 a, Vec1 b, Mat2 M, std::int64_t max_iter, IdxVec rows, IdxVec cols, Vec1 u, Vec1 v,
                        IdxVec roots) {
    const std::int64_t n = len(a.shape(0)), m = len(b.shape(0));
    if (len(M.shape(0)) != n || len(M.shape(1)) != m) {
        throw std::invalid_argument("M: shape must be (len(a), len(b))");
    }
    if (rows.shape(0) != cols.shape(0)) throw std::invalid_argument("init: rows and cols differ in length");
    if (len(u.shape(0)) != n || len(v.shape(0)) != m) throw std::invalid_argument("init: u, v must have n, m entries");
    for (std::size_t e = 0; e < rows.shape(0); ++e) {
        if (rows.data()[e] < 0 || rows.data()[e] >= n || cols.data()[e] < 0 || cols.data()[e] >= m) {
            throw std::invalid_argument("init: plan entries out of range");
        }
    }
    for (std::size_t k = 0; k < roots.shape(0); ++k) {
        const std::int64_t z = roots.data()[k];
        if (z >= n || -1 - z >= m) throw std::invalid_argument("init: basis roots out of range");
    }
    const pydiv::DenseCost cost{M.data(), m};
    // A warm start need not be strongly feasible (simplex_warm.hpp): past this
    // many pivots, about those of a cold solve, it is no better than cold, and
    // the cold solve that follows ends for sure.
    const std::int64_t bound = kWarmPivotsPerNode * (n + m) + kWarmPivotsFloor;
    return run_solver(n * m, [&](pydiv::NetworkSimplex& ns, auto& stop) {
        ns.set_warm_start(rows.data(), cols.data(), len(rows.shape(0)), u.data(), v.data(), roots.data(),
                          len(roots.shape(0)));
        const bool capped = max_iter <= 0 || max_iter > bound;
        pydiv::EmdSolution s = ns.solve(a.data(), n, b.data(), m, cost, capped ? bound : max_iter, stop);
        if (capped && s.status == pydiv::EmdStatus::max_iter_reached) {
            const std::int64_t spent = s.n_iter;
            s = ns.solve(a.data(), n, b.data(), m, cost, max_iter <= 0 ? 0 : max_iter - spent, stop);
            s.n_iter += spent;
        }
        return s;
    });
}

// Point clouds x (n, d), y (m, d), C-contiguous float64; cost = dist^p.
// Up to dense_max_entries costs the matrix is built first (faster pricing
// while it fits in cache-friendly sizes); beyond, costs are computed on the
// fly and memory stays O(n + m).
EmdTuple emd_points(Vec1 a, Vec1 b, Mat2 x, Mat2 y, int metric, double p, double w, std::int64_t max_iter,
                    std::int64_t dense_max_entries) {
    const std::int64_t n = len(a.shape(0)), m = len(b.shape(0));
    const std::int64_t d = len(x.shape(1));
    if (len(x.shape(0)) != n || len(y.shape(0)) != m) {
        throw std::invalid_argument("x, y: one point per weight is required");
    }
    if (len(y.shape(1)) != d) throw std::invalid_argument("x and y: point dimensions differ");
    if (metric < 0 || metric > static_cast<int>(pydiv::GroundMetric::minkowski)) {
        throw std::invalid_argument("metric: unknown code");
    }
    const auto gm = static_cast<pydiv::GroundMetric>(metric);
    const bool dense = n * m <= dense_max_entries;
    return run_solver(n * m * (d > 0 ? d : 1), [&](pydiv::NetworkSimplex& ns, auto& stop) {
        return pydiv::with_ground_cost(gm, x.data(), y.data(), d, p, w, [&](auto cost) {
            if (!dense) return ns.solve(a.data(), n, b.data(), m, cost, max_iter, stop);
            std::vector<double> C(static_cast<std::size_t>(n * m));
            for (std::int64_t i = 0; i < n; ++i) cost.row(i, 0, m, C.data() + i * m);
            return ns.solve(a.data(), n, b.data(), m, pydiv::DenseCost{C.data(), m}, max_iter, stop);
        });
    });
}

}  // namespace

void register_emd(nb::module_& m) {
    m.attr("EMD_OPTIMAL") = static_cast<int>(pydiv::EmdStatus::optimal);
    m.attr("EMD_MAX_ITER_REACHED") = static_cast<int>(pydiv::EmdStatus::max_iter_reached);
    m.attr("EMD_INFEASIBLE") = static_cast<int>(pydiv::EmdStatus::infeasible);
    m.attr("EMD_INTERRUPTED") = static_cast<int>(pydiv::EmdStatus::interrupted);
    m.attr("EMD_INVALID_INPUT") = static_cast<int>(pydiv::EmdStatus::invalid_input);
    m.attr("METRIC_EUCLIDEAN") = static_cast<int>(pydiv::GroundMetric::euclidean);
    m.attr("METRIC_SQEUCLIDEAN") = static_cast<int>(pydiv::GroundMetric::sqeuclidean);
    m.attr("METRIC_CITYBLOCK") = static_cast<int>(pydiv::GroundMetric::cityblock);
    m.attr("METRIC_CHEBYSHEV") = static_cast<int>(pydiv::GroundMetric::chebyshev);
    m.attr("METRIC_MINKOWSKI") = static_cast<int>(pydiv::GroundMetric::minkowski);
    m.def("emd_dense", &emd_dense, nb::arg("a"), nb::arg("b"), nb::arg("M"), nb::arg("max_iter"));
    m.def("emd_dense_warm", &emd_dense_warm, nb::arg("a"), nb::arg("b"), nb::arg("M"), nb::arg("max_iter"),
          nb::arg("rows"), nb::arg("cols"), nb::arg("u"), nb::arg("v"), nb::arg("roots"));
    m.def("emd_points", &emd_points, nb::arg("a"), nb::arg("b"), nb::arg("x"), nb::arg("y"), nb::arg("metric"),
          nb::arg("p"), nb::arg("w"), nb::arg("max_iter"), nb::arg("dense_max_entries"));
}
