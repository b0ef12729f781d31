// Bindings of the sparse distance matrices (sparse/sparse_rows.hpp): check
// the CSR arrays, release the GIL, call.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/tuple.h>

#include <optional>
#include <stdexcept>
#include <tuple>

#include "bindings/bindings.hpp"
#include "sparse/sparse_rows.hpp"

using namespace pydiv_bind;

namespace {

using CDouble1 = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using CIndex1 = nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Owned1 = nb::ndarray<nb::numpy, double, nb::ndim<1>>;

// The rows of a CSR matrix, checked so a wrong call cannot read out of bounds:
// the offsets always (O(rows)); the indices (sorted, unique, in range) when
// `full`, by the row statistics that the Python layer computes once per
// matrix.  The block kernel itself never indexes by an unchecked column (it
// skips columns outside [0, width)), so its per-block check stays O(rows).
pydiv::SparseRows rows_of(const CIndex1& indptr, const CIndex1& indices, const CDouble1& data, std::int64_t width,
                          const char* name, bool full) {
    const std::int64_t rows = static_cast<std::int64_t>(indptr.shape(0)) - 1;
    const std::int64_t* ptr = indptr.data();
    if (rows < 0 || ptr[0] != 0 || ptr[rows] != static_cast<std::int64_t>(indices.shape(0)) ||
        indices.shape(0) != data.shape(0))
        throw std::invalid_argument(std::string(name) + ": inconsistent CSR arrays");
    for (std::int64_t r = 0; r < rows; ++r) {
        if (ptr[r + 1] < ptr[r]) throw std::invalid_argument(std::string(name) + ": decreasing indptr");
        if (!full) continue;
        for (std::int64_t k = ptr[r]; k < ptr[r + 1]; ++k) {
            const std::int64_t c = indices.data()[k];
            if (c < 0 || c >= width || (k > ptr[r] && c <= indices.data()[k - 1]))
                throw std::invalid_argument(std::string(name) + ": indices not sorted, unique and in range");
        }
    }
    pydiv::SparseRows out;
    out.indptr = ptr;
    out.indices = indices.data();
    out.data = data.data();
    out.rows = rows;
    return out;
}

std::tuple<Owned1, Owned1, Owned1> sparse_row_stats(CIndex1 indptr, CIndex1 indices, CDouble1 data,
                                                     std::int64_t width) {
    const pydiv::SparseRows rows = rows_of(indptr, indices, data, width, "rows", true);
    const std::size_t n = static_cast<std::size_t>(rows.rows);
    double* buffer = new double[3 * n + 1];
    nb::capsule owner(buffer, [](void* p) noexcept { delete[] static_cast<double*>(p); });
    {
        GilRelease release;
        pydiv::sparse_row_stats(rows, buffer, buffer + n, buffer + 2 * n);
    }
    return {Owned1(buffer, {n}, owner), Owned1(buffer + n, {n}, owner), Owned1(buffer + 2 * n, {n}, owner)};
}

using Side = std::tuple<CIndex1, CIndex1, CDouble1, CDouble1, CDouble1, std::optional<CDouble1>>;

pydiv::SparseRows side_of(const Side& s, std::int64_t width, const char* name, bool need_entropy) {
    pydiv::SparseRows r = rows_of(std::get<0>(s), std::get<1>(s), std::get<2>(s), width, name, false);
    const auto& entropy = std::get<5>(s);
    if (std::get<3>(s).shape(0) != static_cast<std::size_t>(r.rows) ||
        std::get<4>(s).shape(0) != static_cast<std::size_t>(r.rows) ||
        (need_entropy && (!entropy || entropy->shape(0) != static_cast<std::size_t>(r.rows))))
        throw std::invalid_argument(std::string(name) + ": inconsistent row statistics");
    r.sum_hi = std::get<3>(s).data();
    r.sum_lo = std::get<4>(s).data();
    r.entropy = entropy ? entropy->data() : nullptr;
    return r;
}

template <class Out>
void sparse_pair_block(int metric, Side x, Side y, std::int64_t width, double scale, bool take_sqrt, int walk,
                       std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                       nb::ndarray<Out, nb::c_contig, nb::device::cpu> out, int threads) {
    if (metric < 0 || metric > static_cast<int>(pydiv::SparseMetric::total_variation) || walk < 0 || walk > 2 ||
        width >= (std::int64_t(1) << 31))
        throw std::invalid_argument("sparse_pair_block: unknown metric or walk, or too many columns");
    const auto kind = static_cast<pydiv::SparseMetric>(metric);
    const pydiv::SparseRows xs = side_of(x, width, "X", kind == pydiv::SparseMetric::cross_entropy);
    const pydiv::SparseRows ys = side_of(y, width, "Y", false);
    const auto offset = [&](std::int64_t i) { return i * xs.rows - i * (i + 1) / 2; };
    const std::int64_t need = condensed ? offset(i1) - offset(i0) : (i1 - i0) * ys.rows;
    if (i0 < 0 || i1 > xs.rows || i0 > i1 || static_cast<std::int64_t>(out.size()) < need ||
        ((symmetric || condensed) && xs.rows != ys.rows))
        throw std::invalid_argument("sparse_pair_block: inconsistent arguments");
    GilRelease release;
    pydiv::sparse_pair_block(kind, xs, ys, width, scale, take_sqrt, static_cast<pydiv::SparseWalk>(walk), i0, i1,
                             symmetric, condensed, out.data(), threads);
}

}  // namespace

void register_sparse(nb::module_& m) {
    m.attr("SPARSE_KL") = static_cast<int>(pydiv::SparseMetric::kl);
    m.attr("SPARSE_CROSS_ENTROPY") = static_cast<int>(pydiv::SparseMetric::cross_entropy);
    m.attr("SPARSE_JS") = static_cast<int>(pydiv::SparseMetric::js);
    m.attr("SPARSE_HELLINGER") = static_cast<int>(pydiv::SparseMetric::hellinger);
    m.attr("SPARSE_TOTAL_VARIATION") = static_cast<int>(pydiv::SparseMetric::total_variation);
    m.def("sparse_row_stats", &sparse_row_stats, nb::arg("indptr"), nb::arg("indices"), nb::arg("data"),
          nb::arg("width"));
    m.def("sparse_pair_block", &sparse_pair_block<double>, nb::arg("metric"), nb::arg("x"), nb::arg("y"),
          nb::arg("width"), nb::arg("scale"), nb::arg("take_sqrt"), nb::arg("walk"), nb::arg("i0"), nb::arg("i1"),
          nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
    m.def("sparse_pair_block", &sparse_pair_block<float>, nb::arg("metric"), nb::arg("x"), nb::arg("y"),
          nb::arg("width"), nb::arg("scale"), nb::arg("take_sqrt"), nb::arg("walk"), nb::arg("i0"), nb::arg("i1"),
          nb::arg("symmetric"), nb::arg("condensed"), nb::arg("out"), nb::arg("threads"));
}
