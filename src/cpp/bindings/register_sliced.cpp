// Bindings of the sliced Wasserstein kernels (sliced/sliced.hpp): convert
// arrays, release the GIL, call.  Validation, the directions and the final
// mean and root are the Python layer's work (sliced.py).
//
// Ctrl-C: the calling thread checks for signals after each block of
// directions (SignalWatch, bindings.hpp); a raised KeyboardInterrupt stops the
// kernel and is re-raised here.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nanobind/stl/optional.h>

#include "bindings/bindings.hpp"
#include "sliced/argsort_rows.hpp"
#include "sliced/sliced.hpp"

using namespace pydiv_bind;

namespace {

template <class T>
using Points = nb::ndarray<const T, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Vec = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Dirs = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Offsets = nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Out1 = nb::ndarray<nb::numpy, double, nb::ndim<1>>;
using Out2 = nb::ndarray<nb::numpy, double, nb::ndim<2>>;

std::int64_t len(std::size_t n) { return static_cast<std::int64_t>(n); }

double* new_output(std::size_t size, nb::capsule& owner) {
    double* out = new double[size > 0 ? size : 1];
    owner = nb::capsule(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    return out;
}

const double* weights_of(const std::optional<Vec>& w, std::size_t n, const char* name) {
    if (!w) return nullptr;
    if (w->shape(0) != n) throw std::invalid_argument(std::string(name) + ": one weight per point is required");
    return w->data();
}

template <class T>
Out1 sliced_wpp(Points<T> x, std::optional<Vec> xw, Points<T> y, std::optional<Vec> yw, Dirs theta, double p,
                int threads) {
    const std::int64_t d = len(x.shape(1));
    if (len(y.shape(1)) != d || len(theta.shape(1)) != d) throw std::invalid_argument("x, y, theta: dimensions differ");
    if (x.shape(0) == 0 || y.shape(0) == 0) throw std::invalid_argument("x, y: empty cloud");
    const pydiv::sliced::Cloud<T> u{x.data(), weights_of(xw, x.shape(0), "x_weights"), len(x.shape(0))};
    const pydiv::sliced::Cloud<T> v{y.data(), weights_of(yw, y.shape(0), "y_weights"), len(y.shape(0))};
    const std::size_t L = theta.shape(0);
    nb::capsule owner;
    double* out = new_output(L, owner);
    SignalWatch watch;
    pydiv::sliced::Status st;
    {
        GilRelease release;
        st = pydiv::sliced::sliced_wpp(u, v, d, theta.data(), len(L), p, out, threads,
                                       pydiv::sliced::StopCheck{&SignalWatch::check, &watch});
    }
    if (watch.signalled()) throw nb::python_error();
    if (st != pydiv::sliced::Status::ok) throw std::runtime_error("sliced_wpp: interrupted");
    return Out1(out, {L}, owner);
}

template <class T>
pydiv::sliced::CloudSet<T> set_of(const Points<T>& x, const std::optional<Vec>& w, const Offsets& o, const char* name) {
    const std::int64_t count = len(o.shape(0)) - 1;
    if (count < 0 || o.data()[0] != 0 || o.data()[count] != len(x.shape(0)) || (w && w->shape(0) != x.shape(0)))
        throw std::invalid_argument(std::string(name) + ": inconsistent clouds");
    for (std::int64_t c = 0; c < count; ++c)
        if (o.data()[c + 1] <= o.data()[c]) throw std::invalid_argument(std::string(name) + ": empty cloud");
    return {x.data(), w ? w->data() : nullptr, o.data(), count};
}

template <class T>
Out2 sliced_pairs(Points<T> x, std::optional<Vec> xw, Offsets xo, Points<T> y, std::optional<Vec> yw, Offsets yo,
                  bool same, Dirs theta, double p, int threads) {
    const std::int64_t d = len(x.shape(1));
    if (len(y.shape(1)) != d || len(theta.shape(1)) != d) throw std::invalid_argument("x, y, theta: dimensions differ");
    const auto xs = set_of(x, xw, xo, "x");
    const auto ys = same ? xs : set_of(y, yw, yo, "y");
    const std::size_t nx = static_cast<std::size_t>(xs.count), ny = static_cast<std::size_t>(ys.count);
    nb::capsule owner;
    double* out = new_output(nx * ny, owner);
    SignalWatch watch;
    pydiv::sliced::Status st;
    {
        GilRelease release;
        st = pydiv::sliced::sliced_pairs(xs, ys, same, d, theta.data(), len(theta.shape(0)), p, out, threads,
                                         pydiv::sliced::StopCheck{&SignalWatch::check, &watch});
    }
    if (watch.signalled()) throw nb::python_error();
    if (st != pydiv::sliced::Status::ok) throw std::runtime_error("sliced_pairs: interrupted");
    return Out2(out, {nx, ny}, owner);
}

// Stable argsort of each row (argsort_rows.hpp), for the gradients' sorted matchings.
nb::ndarray<nb::numpy, std::int64_t, nb::ndim<2>> argsort_rows(Dirs x, int threads) {
    const std::size_t rows = x.shape(0), n = x.shape(1);
    std::int64_t* out = new std::int64_t[rows * n > 0 ? rows * n : 1];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<std::int64_t*>(ptr); });
    {
        std::optional<GilRelease> release;
        if (static_cast<std::int64_t>(rows * n) >= kReleaseGilFrom) release.emplace();
        pydiv::sliced::argsort_rows(x.data(), len(rows), len(n), out, threads);
    }
    return {out, {rows, n}, owner};
}

}  // namespace

void register_sliced(nb::module_& m) {
    m.def("sliced_wpp", &sliced_wpp<double>, nb::arg("x"), nb::arg("x_weights").none(), nb::arg("y"),
          nb::arg("y_weights").none(), nb::arg("theta"), nb::arg("p"), nb::arg("threads"));
    m.def("sliced_wpp", &sliced_wpp<float>, nb::arg("x"), nb::arg("x_weights").none(), nb::arg("y"),
          nb::arg("y_weights").none(), nb::arg("theta"), nb::arg("p"), nb::arg("threads"));
    m.def("sliced_pairs", &sliced_pairs<double>, nb::arg("x"), nb::arg("x_weights").none(), nb::arg("x_offsets"),
          nb::arg("y"), nb::arg("y_weights").none(), nb::arg("y_offsets"), nb::arg("same"), nb::arg("theta"),
          nb::arg("p"), nb::arg("threads"));
    m.def("sliced_pairs", &sliced_pairs<float>, nb::arg("x"), nb::arg("x_weights").none(), nb::arg("x_offsets"),
          nb::arg("y"), nb::arg("y_weights").none(), nb::arg("y_offsets"), nb::arg("same"), nb::arg("theta"),
          nb::arg("p"), nb::arg("threads"));
    m.def("argsort_rows", &argsort_rows, nb::arg("x"), nb::arg("threads"));
}
