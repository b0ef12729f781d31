// Bindings of the shared-edge histograms (binning/binning.hpp): convert
// arrays, release the GIL, call.  Validation of the options is the Python
// layer's work (pydiv/binning/); the kernel reports NaN/inf per column.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include "binning/bin_rules.hpp"
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

const std::map<std::string, pydiv::binning::BinRule>& rules() {
    using pydiv::binning::BinRule;
    static const std::map<std::string, BinRule> table{
        {"auto", BinRule::automatic}, {"fd", BinRule::fd},       {"sturges", BinRule::sturges},
        {"sqrt", BinRule::sqrt},      {"doane", BinRule::doane}, {"scott", BinRule::scott},
        {"rice", BinRule::rice}};
    return table;
}

void raise_problem(const pydiv::binning::Status& st, const std::string& kind) {
    using pydiv::binning::Problem;
    const std::string where = std::string("samples_") + st.dataset + ": column " + std::to_string(st.column);
    if (st.problem == Problem::nan)
        throw std::invalid_argument(where + " contains NaN (pass nan_policy=\"omit\" to skip NaNs)");
    if (st.problem == Problem::inf) throw std::invalid_argument(where + " contains an infinite value");
    if (st.problem == Problem::too_many_bins)
        throw std::invalid_argument("bins=\"" + kind + "\": column " + std::to_string(st.column) +
                                    " would need more than 2**31 bins");
    throw std::invalid_argument("samples_a: column " + std::to_string(st.column) +
                                " has no value that is not NaN (quantile edges need one)");
}

// kind: "uniform", "explicit", "quantile" or a rule's name (bin_rules.hpp);
// edges only for "explicit", bins unused for a rule.  Weights are tables of
// the samples' shape (a zero column stride for one weight per sample).
std::tuple<Out2, Out2, Out2> bin_tables(Array2<double> a, Array2<double> b, const std::string& kind,
                                        std::int64_t bins, std::optional<Edges> edges,
                                        std::optional<std::tuple<double, double>> range, bool omit_nan,
                                        int threads, std::optional<Array2<double>> weights_a,
                                        std::optional<Array2<double>> weights_b, bool integer_data) {
    using namespace pydiv::binning;
    if (a.shape(1) != b.shape(1)) throw std::invalid_argument("samples_a, samples_b: feature counts differ");
    if (a.shape(0) == 0 || b.shape(0) == 0) throw std::invalid_argument("samples_a, samples_b: empty samples");
    const auto same_shape = [](const std::optional<Array2<double>>& w, const Array2<double>& x, const char* name) {
        if (w && (w->shape(0) != x.shape(0) || w->shape(1) != x.shape(1)))
            throw std::invalid_argument(std::string(name) + ": the shape of its samples is required");
    };
    same_shape(weights_a, a, "weights_a");
    same_shape(weights_b, b, "weights_b");
    const auto rule = rules().find(kind);
    Spec spec{EdgeKind::uniform, bins, nullptr, false, 0.0, 0.0, omit_nan};
    if (kind == "explicit") {
        if (!edges || static_cast<std::int64_t>(edges->shape(0)) != bins + 1)
            throw std::invalid_argument("bins: bins + 1 edges are required");
        spec.kind = EdgeKind::explicit_edges;
        spec.edges = edges->data();
    } else if (kind == "quantile") {
        spec.kind = EdgeKind::quantile;
    } else if (rule != rules().end()) {
        spec.kind = EdgeKind::per_column;
        spec.bins = 1;
    } else if (kind != "uniform") {
        throw std::invalid_argument("kind: uniform, explicit, quantile or a bin rule");
    }
    if (spec.bins <= 0) throw std::invalid_argument("bins: at least one bin is required");
    if (range) {
        spec.has_range = true;
        spec.lo = std::get<0>(*range);
        spec.hi = std::get<1>(*range);
    }
    const Table ta = table_of(a), tb = table_of(b);
    Table twa{}, twb{};
    Weights weights;
    if (weights_a) weights.a = &(twa = table_of(*weights_a));
    if (weights_b) weights.b = &(twb = table_of(*weights_b));
    const std::size_t cols = a.shape(1);
    std::vector<std::int64_t> column_bins;
    Status st;
    if (spec.kind == EdgeKind::per_column) {
        column_bins.assign(cols, 1);
        {
            GilRelease release;
            st = rule_bins(ta, tb, spec, rule->second, integer_data, column_bins.data(), threads);
        }
        if (st.problem != Problem::none) raise_problem(st, kind);
        for (const std::int64_t k : column_bins) spec.bins = std::max(spec.bins, k);
        spec.column_bins = column_bins.data();
    }
    const std::size_t nbins = static_cast<std::size_t>(spec.bins);
    nb::capsule oa, ob, oe;
    double* ca = new_output(cols * nbins, oa);
    double* cb = new_output(cols * nbins, ob);
    double* e = new_output(cols * (nbins + 1), oe);
    {
        GilRelease release;
        st = pydiv::binning::bin_tables(ta, tb, spec, ca, cb, e, threads, weights);
    }
    if (st.problem != Problem::none) raise_problem(st, kind);
    return {Out2(ca, {cols, nbins}, oa), Out2(cb, {cols, nbins}, ob), Out2(e, {cols, nbins + 1}, oe)};
}

}  // namespace

void register_binning(nb::module_& m) {
    m.def("bin_tables", &bin_tables, nb::arg("a"), nb::arg("b"), nb::arg("kind"), nb::arg("bins"),
          nb::arg("edges").none(), nb::arg("range").none(), nb::arg("omit_nan"), nb::arg("threads"),
          nb::arg("weights_a").none() = nb::none(), nb::arg("weights_b").none() = nb::none(),
          nb::arg("integer_data") = false,
          "Shared-edge histograms of the columns of two (rows, features) float64 tables.");
}
