// Bindings of the grid EMD (grid/grid_emd.hpp): K pairs of histograms on one
// grid per call (K = 1 for a single pair), solved on OpenMP threads with the
// GIL released.  Validation, balancing and the meaning of the statuses are
// the Python layer's work (pydiv/grid/).
//
// emd_grid(a (K, C), b (K, C), shape, spacing, metric, want_duals, want_flow,
//          want_plan, max_iter, threads) returns (cost (K), status (K), n_iter
//          (K), u (K, C), v (K, C) or (0, 0) each, flow (K, H, C) or (0, 0, 0), sources, targets,
//          mass, offsets (K + 1)): the plan of pair k is entries offsets[k] <=
//          e < offsets[k + 1] (sqeuclidean with want_plan only).
//
// Ctrl-C: the calling thread checks for signals (SignalWatch) inside its own
// solves and while the others finish; a signal stops every pair (status
// interrupted) and is re-raised here.
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings/bindings.hpp"
#include "core/task_batch.hpp"
#include "grid/grid_emd.hpp"

using namespace pydiv_bind;

namespace {

using Mat2 = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
template <class T, std::size_t N>
using Out = nb::ndarray<nb::numpy, T, nb::ndim<N>>;
using GridTuple = std::tuple<Out<double, 1>, Out<int, 1>, Out<std::int64_t, 1>, Out<double, 2>, Out<double, 2>,
                             Out<double, 3>, Out<std::int64_t, 1>, Out<std::int64_t, 1>, Out<double, 1>,
                             Out<std::int64_t, 1>>;

// Hands a vector's buffer to NumPy without a copy.
template <class T, std::size_t N>
Out<T, N> give(std::vector<T>&& v, const std::size_t (&shape)[N]) {
    auto* owned = new std::vector<T>(std::move(v));
    if (owned->empty()) owned->resize(1);  // a valid pointer for an empty array
    nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
    return Out<T, N>(owned->data(), N, shape, owner);
}

pydiv::GridEmd& workspace() {
    thread_local pydiv::GridEmd ws;
    return ws;
}

GridTuple emd_grid(Mat2 a, Mat2 b, const std::vector<std::int64_t>& shape, const std::vector<double>& spacing,
                   int metric, bool want_duals, bool want_flow, bool want_plan, std::int64_t max_iter,
                   int threads) {
    const std::int64_t K = static_cast<std::int64_t>(a.shape(0)), C = static_cast<std::int64_t>(a.shape(1));
    if (b.shape(0) != a.shape(0) || b.shape(1) != a.shape(1)) throw std::invalid_argument("a and b: same shape (K, C)");
    if (shape.empty() || shape.size() > 3 || spacing.size() != shape.size())
        throw std::invalid_argument("shape and spacing: 1 to 3 axes each");
    if (metric < 0 || metric > 2) throw std::invalid_argument("metric: unknown code");
    pydiv::GridShape g;
    g.d = static_cast<int>(shape.size());
    for (int k = 0; k < g.d; ++k) {
        g.n[k] = shape[k];
        g.spacing[k] = spacing[k];
    }
    if (g.cells() != C) throw std::invalid_argument("shape: its product must be the number of cells");
    const auto gm = static_cast<pydiv::GridMetric>(metric);
    int half = 0;
    if (want_flow && gm != pydiv::GridMetric::sqeuclidean) {
        int off[26][3];
        half = pydiv::grid_stencil(g, gm, off) / 2;
    }
    const std::size_t nk = static_cast<std::size_t>(K), nc = static_cast<std::size_t>(C);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t nd = want_duals ? nc : 0;
    std::vector<double> cost(nk, nan), u(nk * nd, nan), v(u);
    std::vector<int> status(nk, static_cast<int>(pydiv::EmdStatus::interrupted));
    std::vector<std::int64_t> n_iter(nk, 0);
    std::vector<double> flow(static_cast<std::size_t>(half) * nk * nc, 0.0);
    std::vector<std::vector<pydiv::GridPlanEntry>> plans(nk);
    const double *pa = a.data(), *pb = b.data();
    SignalWatch watch;
    {
        std::optional<GilRelease> release;
        if (K * C >= kReleaseGilFrom / 16) release.emplace();
        pydiv::run_tasks(
            K, threads,
            [&](std::int64_t k, auto& stop) {
                pydiv::GridEmd& ws = workspace();
                const pydiv::EmdSolution s =
                    ws.solve(g, gm, pa + k * C, pb + k * C, want_duals ? u.data() + k * C : nullptr,
                             want_duals ? v.data() + k * C : nullptr,
                             half > 0 ? flow.data() + k * half * C : nullptr, want_plan, max_iter, stop);
                cost[k] = s.cost;
                status[k] = static_cast<int>(s.status);
                n_iter[k] = s.n_iter;
                if (want_plan) plans[k] = ws.plan();
            },
            [&watch] { return watch.should_stop(); });
    }
    if (watch.signalled()) throw nb::python_error();
    std::vector<std::int64_t> offsets(nk + 1, 0), sources, targets;
    std::vector<double> mass;
    for (std::size_t k = 0; k < nk; ++k) {
        for (const pydiv::GridPlanEntry& e : plans[k]) {
            sources.push_back(e.source);
            targets.push_back(e.target);
            mass.push_back(e.mass);
        }
        offsets[k + 1] = static_cast<std::int64_t>(mass.size());
    }
    const std::size_t e = mass.size();
    const std::size_t sk[1] = {nk}, skc[2] = {want_duals ? nk : 0, nd}, se[1] = {e}, so[1] = {nk + 1};
    const std::size_t sf[3] = {half > 0 ? nk : 0, static_cast<std::size_t>(half), half > 0 ? nc : 0};
    return GridTuple(give(std::move(cost), sk), give(std::move(status), sk), give(std::move(n_iter), sk),
                     give(std::move(u), skc), give(std::move(v), skc), give(std::move(flow), sf),
                     give(std::move(sources), se), give(std::move(targets), se), give(std::move(mass), se),
                     give(std::move(offsets), so));
}

}  // namespace

void register_grid(nb::module_& m) {
    m.def("emd_grid", &emd_grid, nb::arg("a"), nb::arg("b"), nb::arg("shape"), nb::arg("spacing"), nb::arg("metric"),
          nb::arg("want_duals"), nb::arg("want_flow"), nb::arg("want_plan"), nb::arg("max_iter"), nb::arg("threads"));
}
