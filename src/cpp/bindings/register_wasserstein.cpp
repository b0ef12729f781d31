// Bindings of the one-dimensional Wasserstein kernels: convert arrays,
// release the GIL, call.  Sorting and the reasons for a NaN (invalid input)
// are the Python layer's work.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nanobind/stl/optional.h>

#include "bindings/bindings.hpp"
#include "wasserstein/wasserstein_1d.hpp"

using namespace pydiv_bind;

namespace {

// Sorted samples: rows must be contiguous (np.sort returns them so).
template <class T>
using Sample1 = nb::ndarray<const T, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
template <class T>
using Sample2 = nb::ndarray<const T, nb::ndim<2>, nb::device::cpu>;

using Out1 = nb::ndarray<nb::numpy, double, nb::ndim<1>>;

std::int64_t len(std::size_t n) { return static_cast<std::int64_t>(n); }

template <class A>
void require_contiguous_rows(const A& a, const char* name) {
    if (a.shape(1) > 1 && a.stride(1) != 1) {
        throw std::invalid_argument(std::string(name) + ": rows must be contiguous");
    }
}

// One pair of 1-D samples (the low-overhead path).  kind: 0 W_p, 1 energy.
template <class T>
double w1d_pair(Sample1<T> u, std::optional<Sample1<double>> uw, Sample1<T> v,
                std::optional<Sample1<double>> vw, double p, int kind, bool check_order, int threads) {
    if (uw && uw->shape(0) != u.shape(0)) throw std::invalid_argument("u_weights: length differs from u_values");
    if (vw && vw->shape(0) != v.shape(0)) throw std::invalid_argument("v_weights: length differs from v_values");
    const double* uwp = uw ? uw->data() : nullptr;
    const double* vwp = vw ? vw->data() : nullptr;
    auto call = [&] {
        return kind == 1 ? pydiv::energy_distance_sorted(u.data(), uwp, len(u.shape(0)), v.data(), vwp,
                                                         len(v.shape(0)), threads, check_order)
                         : pydiv::wasserstein_1d_sorted(u.data(), uwp, len(u.shape(0)), v.data(), vwp,
                                                        len(v.shape(0)), p, threads, check_order);
    };
    if (len(u.shape(0) + v.shape(0)) >= kReleaseGilFrom) {
        GilRelease release;
        return call();
    }
    return call();
}

// Row r of u against row r of v; a single row broadcasts (row stride 0).
template <class T>
Out1 w1d_rows(Sample2<T> u, std::optional<Sample2<double>> uw, Sample2<T> v, std::optional<Sample2<double>> vw,
              double p, int kind, bool check_order, int threads) {
    const std::size_t ru = u.shape(0), rv = v.shape(0);
    const std::size_t rows = ru > rv ? ru : rv;
    if ((ru != rows && ru != 1) || (rv != rows && rv != 1)) {
        throw std::invalid_argument("u_values and v_values: row counts differ");
    }
    require_contiguous_rows(u, "u_values");
    require_contiguous_rows(v, "v_values");
    if (uw) {
        if (uw->shape(0) != u.shape(0) || uw->shape(1) != u.shape(1)) {
            throw std::invalid_argument("u_weights: shape differs from u_values");
        }
        require_contiguous_rows(*uw, "u_weights");
    }
    if (vw) {
        if (vw->shape(0) != v.shape(0) || vw->shape(1) != v.shape(1)) {
            throw std::invalid_argument("v_weights: shape differs from v_values");
        }
        require_contiguous_rows(*vw, "v_weights");
    }
    pydiv::SortedRows<T, double> us{u.data(), uw ? uw->data() : nullptr, len(u.shape(1)),
                                    ru == 1 ? 0 : len(u.stride(0)), uw && ru != 1 ? len(uw->stride(0)) : 0};
    pydiv::SortedRows<T, double> vs{v.data(), vw ? vw->data() : nullptr, len(v.shape(1)),
                                    rv == 1 ? 0 : len(v.stride(0)), vw && rv != 1 ? len(vw->stride(0)) : 0};
    double* out = new double[rows > 0 ? rows : 1];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        if (kind == 1) {
            pydiv::energy_distance_rows(us, vs, len(rows), out, threads, check_order);
        } else {
            pydiv::wasserstein_1d_rows(us, vs, len(rows), p, out, threads, check_order);
        }
    }
    return Out1(out, {rows}, owner);
}

// Histogram rows p[a, b], q[a, b] of (outer, inner, k) views (any strides, 0
// broadcasts) on the support x, in row-major order of (a, b).
template <class T>
Out1 w1d_hist(Array3<T> p, Array3<T> q, std::optional<Array1<double>> x, double order, int threads) {
    if (p.shape(0) != q.shape(0) || p.shape(1) != q.shape(1) || p.shape(2) != q.shape(2)) {
        throw std::invalid_argument("p and q: shapes differ");
    }
    const std::size_t rows = p.shape(0) * p.shape(1);
    const std::int64_t k = len(p.shape(2));
    if (x && len(x->shape(0)) != k) throw std::invalid_argument("x: length differs from the histograms");
    const std::int64_t inner = p.shape(0) == 1 ? 0 : len(p.shape(1));  // 0: a plain 2-D walk
    const pydiv::HistRows<T> ph{p.data(), len(p.stride(1)), len(p.stride(2)), inner, len(p.stride(0))};
    const pydiv::HistRows<T> qh{q.data(), len(q.stride(1)), len(q.stride(2)), inner, len(q.stride(0))};
    const double* xp = x ? x->data() : nullptr;
    const std::int64_t xs = x ? len(x->stride(0)) : 1;
    double* out = new double[rows > 0 ? rows : 1];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    if (len(rows) * k >= kReleaseGilFrom) {
        GilRelease release;
        pydiv::wasserstein_hist_rows(ph, qh, len(rows), k, xp, xs, order, out, threads);
    } else {
        pydiv::wasserstein_hist_rows(ph, qh, len(rows), k, xp, xs, order, out, threads);
    }
    return Out1(out, {rows}, owner);
}

}  // namespace

void register_wasserstein(nb::module_& m) {
    m.attr("W1D_WASSERSTEIN") = 0;
    m.attr("W1D_ENERGY") = 1;
    m.def("w1d_pair", &w1d_pair<double>, nb::arg("u"), nb::arg("u_weights").none(), nb::arg("v"),
          nb::arg("v_weights").none(), nb::arg("p"), nb::arg("kind"), nb::arg("check_order"), nb::arg("threads"));
    m.def("w1d_pair", &w1d_pair<float>, nb::arg("u"), nb::arg("u_weights").none(), nb::arg("v"),
          nb::arg("v_weights").none(), nb::arg("p"), nb::arg("kind"), nb::arg("check_order"), nb::arg("threads"));
    m.def("w1d_rows", &w1d_rows<double>, nb::arg("u"), nb::arg("u_weights").none(), nb::arg("v"),
          nb::arg("v_weights").none(), nb::arg("p"), nb::arg("kind"), nb::arg("check_order"), nb::arg("threads"));
    m.def("w1d_rows", &w1d_rows<float>, nb::arg("u"), nb::arg("u_weights").none(), nb::arg("v"),
          nb::arg("v_weights").none(), nb::arg("p"), nb::arg("kind"), nb::arg("check_order"), nb::arg("threads"));
    m.def("w1d_hist", &w1d_hist<double>, nb::arg("p"), nb::arg("q"), nb::arg("x").none(), nb::arg("order"),
          nb::arg("threads"));
    m.def("w1d_hist", &w1d_hist<float>, nb::arg("p"), nb::arg("q"), nb::arg("x").none(), nb::arg("order"),
          nb::arg("threads"));
}
