// Bindings of the shared-edge histograms (binning/binning.hpp): convert
// arrays, release the GIL, call.  Validation of the options is the Python
// layer's work (pydiv/binning/); the kernel reports NaN/inf per column.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include "binning/binning.hpp"
#include "bindings/bindings.hpp"

using namespace pydiv_bind;

namespace {

using Edges = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Out2 = nb::ndarray<nb::numpy, double, nb::ndim<2>>;

double* new_output(std::size_t size, nb::capsule& owner) {
    double* out = new double[size > 0 ? size : 1];
    owner = nb::capsule(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    return out;
}

pydiv::binning::Table table_of(const Array2<double>& x) {
    return {x.data(), static_cast<std::int64_t>(x.shape(0)), static_cast<std::int64_t>(x.shape(1)),
            static_cast<std::int64_t>(x.stride(0)), static_cast<std::int64_t>(x.stride(1))};
}

// kind: "uniform", "explicit" or "quantile"; edges only for "explicit".
std::tuple<Out2, Out2, Out2> bin_tables(Array2<double> a, Array2<double> b, const std::string& kind,
                                        std::int64_t bins, std::optional<Edges> edges,
                                        std::optional<std::tuple<double, double>> range, bool omit_nan,
                                        int threads) {
    using namespace pydiv::binning;
    if (a.shape(1) != b.shape(1)) throw std::invalid_argument("samples_a, samples_b: feature counts differ");
    if (a.shape(0) == 0 || b.shape(0) == 0) throw std::invalid_argument("samples_a, samples_b: empty samples");
    Spec spec{EdgeKind::uniform, bins, nullptr, false, 0.0, 0.0, omit_nan};
    if (kind == "explicit") {
        if (!edges || static_cast<std::int64_t>(edges->shape(0)) != bins + 1)
            throw std::invalid_argument("bins: bins + 1 edges are required");
        spec.kind = EdgeKind::explicit_edges;
        spec.edges = edges->data();
    } else if (kind == "quantile") {
        spec.kind = EdgeKind::quantile;
    } else if (kind != "uniform") {
        throw std::invalid_argument("kind: uniform, explicit or quantile");
    }
    if (bins <= 0) throw std::invalid_argument("bins: at least one bin is required");
    if (range) {
        spec.has_range = true;
        spec.lo = std::get<0>(*range);
        spec.hi = std::get<1>(*range);
    }
    const Table ta = table_of(a), tb = table_of(b);
    const std::size_t cols = a.shape(1), nbins = static_cast<std::size_t>(bins);
    nb::capsule oa, ob, oe;
    double* ca = new_output(cols * nbins, oa);
    double* cb = new_output(cols * nbins, ob);
    double* e = new_output(cols * (nbins + 1), oe);
    Status st;
    {
        GilRelease release;
        st = pydiv::binning::bin_tables(ta, tb, spec, ca, cb, e, threads);
    }
    if (st.problem != Problem::none) {
        const std::string where = std::string("samples_") + st.dataset + ": column " + std::to_string(st.column);
        if (st.problem == Problem::nan)
            throw std::invalid_argument(where + " contains NaN (pass nan_policy=\"omit\" to skip NaNs)");
        if (st.problem == Problem::inf) throw std::invalid_argument(where + " contains an infinite value");
        throw std::invalid_argument("samples_a: column " + std::to_string(st.column) +
                                    " has no value that is not NaN (quantile edges need one)");
    }
    return {Out2(ca, {cols, nbins}, oa), Out2(cb, {cols, nbins}, ob), Out2(e, {cols, nbins + 1}, oe)};
}

}  // namespace

void register_binning(nb::module_& m) {
    m.def("bin_tables", &bin_tables, nb::arg("a"), nb::arg("b"), nb::arg("kind"), nb::arg("bins"),
          nb::arg("edges").none(), nb::arg("range").none(), nb::arg("omit_nan"), nb::arg("threads"),
          "Shared-edge histograms of the columns of two (rows, features) float64 tables.");
}
