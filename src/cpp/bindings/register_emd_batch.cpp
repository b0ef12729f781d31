// Bindings of the batched exact EMD (emd/emd_batch.hpp): B problems of one
// size per call, dense costs (B, n, m) or point clouds (B, n, d), (B, m, d),
// solved on OpenMP threads with the GIL released.  Validation and the
// meaning of the statuses are the Python layer's work (pydiv/emd/batch.py,
// pydiv/emd/points_batch.py).
//
// Returns (cost (B), status (B), n_iter (B), u (B, n), v (B, m), rows, cols,
// mass, offsets (B + 1)): the plan of problem k is entries offsets[k] <= e <
// offsets[k + 1] of rows, cols and mass.
//
// Ctrl-C: the calling thread checks for signals (SignalWatch) inside its own
// solves and, once they are done, while the other threads finish; a signal
// stops every problem (status interrupted) and is re-raised here.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nanobind/stl/tuple.h>

#include "bindings/bindings.hpp"
#include "emd/emd_batch.hpp"
#include "emd/ground_cost.hpp"

using namespace pydiv_bind;

namespace {

using Mat2 = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Mat3 = nb::ndarray<const double, nb::ndim<3>, nb::c_contig, nb::device::cpu>;
template <class T>
using Out1 = nb::ndarray<nb::numpy, T, nb::ndim<1>>;
using OutF2 = nb::ndarray<nb::numpy, double, nb::ndim<2>>;

using BatchTuple = std::tuple<Out1<double>, Out1<int>, Out1<std::int64_t>, OutF2, OutF2, Out1<std::int64_t>,
                              Out1<std::int64_t>, Out1<double>, Out1<std::int64_t>>;

std::int64_t len(std::size_t n) { return static_cast<std::int64_t>(n); }

// Hands a vector's buffer to NumPy without a copy.
template <class T, std::size_t N>
nb::ndarray<nb::numpy, T, nb::ndim<N>> give(std::vector<T>&& v, const std::size_t (&shape)[N]) {
    auto* owned = new std::vector<T>(std::move(v));
    nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
    return nb::ndarray<nb::numpy, T, nb::ndim<N>>(owned->data(), N, shape, owner);
}

// Runs the batch with the GIL released (for non-trivial sizes) and turns a
// signal raised meanwhile back into the Python exception.
template <class SolveOne>
BatchTuple run_batch(std::int64_t B, std::int64_t n, std::int64_t m, std::int64_t work, int threads,
                     SolveOne&& solve_one) {
    SignalWatch watch;
    pydiv::EmdBatch out;
    {
        std::optional<GilRelease> release;
        if (work >= kReleaseGilFrom) release.emplace();
        pydiv::solve_emd_batch(B, n, m, threads, solve_one, [&watch] { return watch.should_stop(); }, out);
    }
    if (watch.signalled()) throw nb::python_error();
    const std::size_t b = static_cast<std::size_t>(B), e = out.mass.size();
    const std::size_t sb[1] = {b}, se[1] = {e}, so[1] = {b + 1};
    const std::size_t su[2] = {b, static_cast<std::size_t>(n)}, sv[2] = {b, static_cast<std::size_t>(m)};
    return BatchTuple(give(std::move(out.cost), sb), give(std::move(out.status), sb), give(std::move(out.n_iter), sb),
                      give(std::move(out.u), su), give(std::move(out.v), sv), give(std::move(out.rows), se),
                      give(std::move(out.cols), se), give(std::move(out.mass), se), give(std::move(out.offsets), so));
}

// Dense costs M (B, n, m); weights a (B, n), b (B, m).
BatchTuple emd_dense_batch(Mat2 a, Mat2 b, Mat3 M, std::int64_t max_iter, int threads) {
    const std::int64_t B = len(M.shape(0)), n = len(M.shape(1)), m = len(M.shape(2));
    if (len(a.shape(0)) != B || len(a.shape(1)) != n) throw std::invalid_argument("a: shape must be (B, n)");
    if (len(b.shape(0)) != B || len(b.shape(1)) != m) throw std::invalid_argument("b: shape must be (B, m)");
    const double *pa = a.data(), *pb = b.data(), *pm = M.data();
    return run_batch(B, n, m, B * n * m, threads, [=](pydiv::NetworkSimplex& ns, std::int64_t k, auto& stop) {
        const pydiv::DenseCost cost{pm + k * n * m, m};
        return ns.solve(pa + k * n, n, pb + k * m, m, cost, max_iter, stop);
    });
}

// Point clouds x (B, n, d), y (B, m, d); cost = dist^p.  As emd_points: up to
// dense_max_entries pairs the cost matrix is built first (one buffer per
// thread), beyond it costs are computed on the fly.
BatchTuple emd_points_batch(Mat2 a, Mat2 b, Mat3 x, Mat3 y, int metric, double p, double w, std::int64_t max_iter,
                            std::int64_t dense_max_entries, int threads) {
    const std::int64_t B = len(x.shape(0)), n = len(x.shape(1)), d = len(x.shape(2));
    const std::int64_t m = len(y.shape(1));
    if (len(y.shape(0)) != B || len(y.shape(2)) != d) throw std::invalid_argument("x and y: shapes (B, n, d), (B, m, d)");
    if (len(a.shape(0)) != B || len(a.shape(1)) != n) throw std::invalid_argument("a: shape must be (B, n)");
    if (len(b.shape(0)) != B || len(b.shape(1)) != m) throw std::invalid_argument("b: shape must be (B, m)");
    if (metric < 0 || metric > static_cast<int>(pydiv::GroundMetric::minkowski)) {
        throw std::invalid_argument("metric: unknown code");
    }
    const auto gm = static_cast<pydiv::GroundMetric>(metric);
    const bool dense = n * m <= dense_max_entries;
    const double *pa = a.data(), *pb = b.data(), *px = x.data(), *py = y.data();
    auto solve_one = [=](pydiv::NetworkSimplex& ns, std::int64_t k, auto& stop) {
        const double* ak = pa + k * n;
        const double* bk = pb + k * m;
        return pydiv::with_ground_cost(gm, px + k * n * d, py + k * m * d, d, p, w, [&](auto cost) {
            if (!dense) return ns.solve(ak, n, bk, m, cost, max_iter, stop);
            thread_local std::vector<double> C;
            C.resize(static_cast<std::size_t>(n * m));
            for (std::int64_t i = 0; i < n; ++i) cost.row(i, 0, m, C.data() + i * m);
            return ns.solve(ak, n, bk, m, pydiv::DenseCost{C.data(), m}, max_iter, stop);
        });
    };
    return run_batch(B, n, m, B * n * m * (d > 0 ? d : 1), threads, solve_one);
}

}  // namespace

void register_emd_batch(nb::module_& m) {
    m.def("emd_dense_batch", &emd_dense_batch, nb::arg("a"), nb::arg("b"), nb::arg("M"), nb::arg("max_iter"),
          nb::arg("threads"));
    m.def("emd_points_batch", &emd_points_batch, nb::arg("a"), nb::arg("b"), nb::arg("x"), nb::arg("y"),
          nb::arg("metric"), nb::arg("p"), nb::arg("w"), nb::arg("max_iter"), nb::arg("dense_max_entries"),
          nb::arg("threads"));
}
