// Bindings of the pairwise kernels: convert arrays, release the GIL, call.
#include <nanobind/stl/optional.h>

#include <stdexcept>
#include <string>

#include "bindings/bindings.hpp"
#include "info/info.hpp"
#include "pairwise/pairwise.hpp"

using namespace pydiv_bind;

namespace {

using CArray2 = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using CArray1 = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

template <class Out>
void pair_block(int metric, CArray2 x, std::optional<CArray2> x_aux, std::optional<CArray2> x_raw, CArray2 y,
                std::optional<CArray2> y_aux, std::optional<CArray2> y_raw,
                std::optional<CArray1> weights, double order, double uniform_gap, double scale, bool take_sqrt, std::int64_t i0,
                std::int64_t i1,
                bool symmetric, bool condensed, nb::ndarray<Out, nb::c_contig, nb::device::cpu> out,
                int threads) {
    pydiv::PairInputs in;
    in.x = x.data();
    in.x_aux = x_aux ? x_aux->data() : nullptr;
    in.x_raw = x_raw ? x_raw->data() : nullptr;
    in.n = static_cast<std::int64_t>(x.shape(0));
    in.y = y.data();
    in.y_aux = y_aux ? y_aux->data() : nullptr;
    in.y_raw = y_raw ? y_raw->data() : nullptr;
    in.m = static_cast<std::int64_t>(y.shape(0));
    in.k = static_cast<std::int64_t>(x.shape(1));
    in.weights = weights ? weights->data() : nullptr;
    in.order = order;
    in.uniform_gap = uniform_gap;
    in.scale = scale;
    in.take_sqrt = take_sqrt;
    const auto kind = static_cast<pydiv::PairMetric>(metric);
    // The Python layer guarantees these; a wrong call must not write out of bounds.
    const auto offset = [&](std::int64_t i) { return i * in.n - i * (i + 1) / 2; };
    const std::int64_t need = condensed ? offset(i1) - offset(i0) : (i1 - i0) * in.m;
    if (y.shape(1) != x.shape(1) || i0 < 0 || i1 > in.n || i0 > i1 || static_cast<std::int64_t>(out.size()) < need ||
        ((symmetric || condensed) && in.m != in.n) ||
        (kind == pydiv::PairMetric::js && (!in.x_aux || !in.y_aux)) ||
        (x_raw && (x_raw->shape(0) != x.shape(0) || x_raw->shape(1) != x.shape(1))) ||
        (y_raw && (y_raw->shape(0) != y.shape(0) || y_raw->shape(1) != y.shape(1))) ||
        (kind != pydiv::PairMetric::js && (!in.weights || static_cast<std::int64_t>(weights->shape(0)) != in.k)))
        throw std::invalid_argument("pair_block: inconsistent arguments");
    GilRelease release;
    pydiv::pair_block(kind, in, i0, i1, symmetric, condensed, out.data(), threads);
}

using Offsets = nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

pydiv::CloudSet clouds_of(const CArray2& coords, const CArray1& weights, const Offsets& offsets, const char* name) {
    const std::int64_t count = static_cast<std::int64_t>(offsets.shape(0)) - 1;
    if (count < 0 || weights.shape(0) != coords.shape(0) || offsets.data()[0] != 0 ||
        offsets.data()[count] != static_cast<std::int64_t>(coords.shape(0)))
        throw std::invalid_argument(std::string(name) + ": inconsistent clouds");
    for (std::int64_t c = 0; c < count; ++c)
        if (offsets.data()[c + 1] <= offsets.data()[c]) throw std::invalid_argument(std::string(name) + ": empty cloud");
    return {coords.data(), weights.data(), offsets.data(), count};
}

template <class Out>
std::int64_t samples_pair_block(CArray1 x, std::optional<CArray1> xw, Offsets xo, CArray1 y, std::optional<CArray1> yw,
                                Offsets yo, double p, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                                nb::ndarray<Out, nb::c_contig, nb::device::cpu> out, int threads) {
    const auto clouds = [](const CArray1& v, const std::optional<CArray1>& w, const Offsets& o, const char* name) {
        const std::int64_t count = static_cast<std::int64_t>(o.shape(0)) - 1;
        if (count < 0 || o.data()[0] != 0 || o.data()[count] != static_cast<std::int64_t>(v.shape(0)) ||
            (w && w->shape(0) != v.shape(0)))
            throw std::invalid_argument(std::string(name) + ": inconsistent samples");
        for (std::int64_t c = 0; c < count; ++c)
            if (o.data()[c + 1] <= o.data()[c]) throw std::invalid_argument(std::string(name) + ": empty sample");
        return pydiv::CloudSet{v.data(), w ? w->data() : nullptr, o.data(), count};
    };
    const pydiv::CloudSet xs = clouds(x, xw, xo, "X");
    const pydiv::CloudSet ys = clouds(y, yw, yo, "Y");
    const auto offset = [&](std::int64_t i) { return i * xs.count - i * (i + 1) / 2; };
    const std::int64_t need = condensed ? offset(i1) - offset(i0) : (i1 - i0) * ys.count;
    if (i0 < 0 || i1 > xs.count || i0 > i1 || static_cast<std::int64_t>(out.size()) < need ||
        ((symmetric || condensed) && xs.count != ys.count))
        throw std::invalid_argument("samples_pair_block: inconsistent arguments");
    GilRelease release;
    return pydiv::samples_pair_block(xs, ys, p, i0, i1, symmetric, condensed, out.data(), threads);
}

template <class Out>
std::int64_t emd_pair_block(CArray2 x, CArray1 xw, Offsets xo, CArray2 y, CArray1 yw, Offsets yo, int metric, double p,
                            double w, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                            nb::ndarray<Out, nb::c_contig, nb::device::cpu> out, int threads) {
    const pydiv::CloudSet xs = clouds_of(x, xw, xo, "X");
    const pydiv::CloudSet ys = clouds_of(y, yw, yo, "Y");
    const auto offset = [&](std::int64_t i) { return i * xs.count - i * (i + 1) / 2; };
    const std::int64_t need = condensed ? offset(i1) - offset(i0) : (i1 - i0) * ys.count;
    if (x.shape(1) != y.shape(1) || i0 < 0 || i1 > xs.count || i0 > i1 ||
        static_cast<std::int64_t>(out.size()) < need || ((symmetric || condensed) && xs.count != ys.count))
        throw std::invalid_argument("emd_pair_block: inconsistent arguments");
    GilRelease release;
    return pydiv::emd_pair_block(xs, ys, static_cast<std::int64_t>(x.shape(1)), metric, p, w, i0, i1, symmetric,
                                 condensed, out.data(), threads);
}

}  // namespace

void register_pairwise(nb::module_& m) {
    m.attr("PAIR_JS") = static_cast<int>(pydiv::PairMetric::js);
    m.attr("PAIR_CDF_L1") = static_cast<int>(pydiv::PairMetric::cdf_l1);
    m.attr("PAIR_HIST_WP") = static_cast<int>(pydiv::PairMetric::hist_wp);
    m.def("pair_block", &pair_block<double>, nb::arg("metric"), nb::arg("x"), nb::arg("x_aux").none(), nb::arg("x_raw").none(),
          nb::arg("y"), nb::arg("y_aux").none(), nb::arg("y_raw").none(), nb::arg("weights").none(), nb::arg("order"), nb::arg("uniform_gap"), nb::arg("scale"), nb::arg("take_sqrt"), nb::arg("i0"),
          nb::arg("i1"), nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    m.def("pair_block", &pair_block<float>, nb::arg("metric"), nb::arg("x"), nb::arg("x_aux").none(), nb::arg("x_raw").none(),
          nb::arg("y"), nb::arg("y_aux").none(), nb::arg("y_raw").none(), nb::arg("weights").none(), nb::arg("order"), nb::arg("uniform_gap"), nb::arg("scale"), nb::arg("take_sqrt"), nb::arg("i0"),
          nb::arg("i1"), nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    m.def("emd_pair_block", &emd_pair_block<double>, nb::arg("x"), nb::arg("x_weights"), nb::arg("x_offsets"),
          nb::arg("y"), nb::arg("y_weights"), nb::arg("y_offsets"), nb::arg("metric"), nb::arg("p"), nb::arg("w"),
          nb::arg("i0"), nb::arg("i1"), nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    m.def("emd_pair_block", &emd_pair_block<float>, nb::arg("x"), nb::arg("x_weights"), nb::arg("x_offsets"),
          nb::arg("y"), nb::arg("y_weights"), nb::arg("y_offsets"), nb::arg("metric"), nb::arg("p"), nb::arg("w"),
          nb::arg("i0"), nb::arg("i1"), nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    m.def("samples_pair_block", &samples_pair_block<double>, nb::arg("x"), nb::arg("x_weights").none(),
          nb::arg("x_offsets"), nb::arg("y"), nb::arg("y_weights").none(), nb::arg("y_offsets"), nb::arg("p"),
          nb::arg("i0"), nb::arg("i1"), nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    m.def("samples_pair_block", &samples_pair_block<float>, nb::arg("x"), nb::arg("x_weights").none(),
          nb::arg("x_offsets"), nb::arg("y"), nb::arg("y_weights").none(), nb::arg("y_offsets"), nb::arg("p"),
          nb::arg("i0"), nb::arg("i1"), nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    // Row by row, so each element goes through the same (SIMD or tail) code
    // as in js_pair, which makes identical rows give exactly 0.
    m.def("xlogx", [](CArray2 x) {
        const std::int64_t rows = static_cast<std::int64_t>(x.shape(0));
        const std::int64_t cols = static_cast<std::int64_t>(x.shape(1));
        double* out = new double[static_cast<std::size_t>(rows * cols)];
        nb::capsule owner(out, [](void* p) noexcept { delete[] static_cast<double*>(p); });
        {
            GilRelease release;
            for (std::int64_t r = 0; r < rows; ++r) pydiv::info_kernels().xlogx(x.data() + r * cols, out + r * cols, cols);
        }
        return nb::ndarray<nb::numpy, double, nb::ndim<2>>(out, {x.shape(0), x.shape(1)}, owner);
    }, nb::arg("x"));
}
