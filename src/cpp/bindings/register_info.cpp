// Bindings of the information kernels: convert arrays, release the GIL, call.
#include <limits>
#include <stdexcept>

#include <nanobind/stl/optional.h>

#include "bindings/bindings.hpp"
#include "info/divergence_rows.hpp"
#include "info/info.hpp"
#include "info/info_stream.hpp"

using namespace pydiv_bind;
using pydiv::InfoKind;
using pydiv::RowsView;

namespace {

template <class T>
RowsView<T> rows_of(const Array2<T>& a) {
    return {a.data(), static_cast<std::int64_t>(a.shape(0)), static_cast<std::int64_t>(a.shape(1)),
            static_cast<std::int64_t>(a.stride(0)), static_cast<std::int64_t>(a.stride(1))};
}

// (outer, inner, k): the rows of every outer index, in order (one outer
// index: a plain 2-D walk, without a division per row).
template <class T>
RowsView<T> rows_of(const Array3<T>& a) {
    const auto rows = static_cast<std::int64_t>(a.shape(0) * a.shape(1));
    const std::int64_t inner = a.shape(0) == 1 ? 0 : static_cast<std::int64_t>(a.shape(1));
    return {a.data(), rows, static_cast<std::int64_t>(a.shape(2)), a.stride(1), a.stride(2), inner, a.stride(0)};
}

template <class T>
RowsView<T> rows_of(const Array1<T>& a) {
    return {a.data(), 1, static_cast<std::int64_t>(a.shape(0)), 0, static_cast<std::int64_t>(a.stride(0))};
}

// Per-row results (natural log) of (outer, inner, k) views; NaN marks an invalid row.
template <class T>
nb::ndarray<nb::numpy, double, nb::ndim<1>> info_rows(int kind, Array3<T> p, std::optional<Array3<T>> q,
                                                      int threads) {
    const RowsView<T> pv = rows_of(p);
    const RowsView<T> qv = q ? rows_of(*q) : pv;
    double* out = new double[static_cast<std::size_t>(pv.rows)];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        pydiv::info_rows(static_cast<InfoKind>(kind), pv, qv, out, threads);
    }
    return {out, {static_cast<std::size_t>(pv.rows)}, owner};
}

// Per-row Hellinger / total variation / Bhattacharyya (coefficient, distance) / chi2 / Jeffreys of
// (outer, inner, k) float64 views; NaN marks a row to check or rescale.
nb::ndarray<nb::numpy, double, nb::ndim<1>> divergence_rows(int kind, Array3<double> p, Array3<double> q,
                                                            int threads) {
    if (kind < 0 || kind > static_cast<int>(pydiv::DivergenceKind::bhattacharyya_distance))
        throw std::invalid_argument("divergence_rows: unknown kind");
    const RowsView<double> pv = rows_of(p);
    const RowsView<double> qv = rows_of(q);
    double* out = new double[static_cast<std::size_t>(pv.rows)];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        pydiv::divergence_rows(static_cast<pydiv::DivergenceKind>(kind), pv, qv, out, threads);
    }
    return {out, {static_cast<std::size_t>(pv.rows)}, owner};
}

// One 1-D distribution (pair): the low-overhead path for small vectors.
template <class T>
double info_vector(int kind, Array1<T> p, std::optional<Array1<T>> q) {
    const RowsView<T> pv = rows_of(p);
    const RowsView<T> qv = q ? rows_of(*q) : pv;
    double out = std::numeric_limits<double>::quiet_NaN();
    if (pv.cols >= kReleaseGilFrom) {
        GilRelease release;
        pydiv::info_rows(static_cast<InfoKind>(kind), pv, qv, &out, 0);
    } else {
        pydiv::info_rows(static_cast<InfoKind>(kind), pv, qv, &out, 0);
    }
    return out;
}

// Single-pass partial sums per row for the streaming accumulators.
template <class T>
nb::ndarray<nb::numpy, double, nb::ndim<2>> info_partials(int kind, Array2<T> p, std::optional<Array2<T>> q,
                                                          double sp, double sq) {
    const RowsView<T> pv = rows_of(p);
    const RowsView<T> qv = q ? rows_of(*q) : pv;
    double* out = new double[static_cast<std::size_t>(4 * pv.rows)];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        pydiv::info_partials(static_cast<InfoKind>(kind), pv, qv, sp, sq, out, 0);
    }
    return {out, {static_cast<std::size_t>(pv.rows), 4}, owner};
}

// The streaming accumulators' accurate partials per row (info_stream.hpp).
nb::ndarray<nb::numpy, double, nb::ndim<2>> info_stream_partials(int kind, Array2<double> p, Array2<double> q) {
    const RowsView<double> pv = rows_of(p);
    const RowsView<double> qv = rows_of(q);
    // (A stride along an axis of length 1 is never used: NumPy calls such arrays contiguous.)
    const bool dense = pv.cols <= 1 || (pv.col_stride == 1 && qv.col_stride == 1);
    if (!dense || qv.rows != pv.rows || qv.cols != pv.cols)
        throw nb::value_error("info_stream_partials: contiguous rows of equal shape");
    const auto cols = static_cast<std::size_t>(pydiv::kStreamColumns);
    double* out = new double[static_cast<std::size_t>(pv.rows) * cols];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        pydiv::info_stream_partials(static_cast<InfoKind>(kind), pv, qv, out, 0);
    }
    return {out, {static_cast<std::size_t>(pv.rows), cols}, owner};
}

// The chain-rule term of merging two parts' KL states per row (info_stream.hpp).
nb::ndarray<nb::numpy, double, nb::ndim<1>> info_stream_kl_gain(
    nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu> totals) {
    if (totals.shape(1) != 8) throw nb::value_error("info_stream_kl_gain: totals must have 8 columns");
    const std::size_t rows = totals.shape(0);
    double* out = new double[rows ? rows : 1];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        pydiv::kl_merge_gain(totals.data(), static_cast<std::int64_t>(rows), out);
    }
    return {out, {rows}, owner};
}

// Results for the row pairs (p[i[c]], q[j[c]]); the indices are checked here.
nb::ndarray<nb::numpy, double, nb::ndim<1>> info_pairs(int kind, Array2<double> p, Array2<double> q,
                                                       nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig> i,
                                                       nb::ndarray<const std::int64_t, nb::ndim<1>, nb::c_contig> j,
                                                       int threads) {
    const RowsView<double> pv = rows_of(p);
    const RowsView<double> qv = rows_of(q);
    if (i.shape(0) != j.shape(0) || pv.cols != qv.cols) throw std::invalid_argument("info_pairs: inconsistent arguments");
    const std::size_t count = i.shape(0);
    for (std::size_t c = 0; c < count; ++c)
        if (i.data()[c] < 0 || i.data()[c] >= pv.rows || j.data()[c] < 0 || j.data()[c] >= qv.rows)
            throw std::invalid_argument("info_pairs: index out of range");
    double* out = new double[count ? count : 1];
    nb::capsule owner(out, [](void* ptr) noexcept { delete[] static_cast<double*>(ptr); });
    {
        GilRelease release;
        pydiv::info_pairs(static_cast<InfoKind>(kind), pv, qv, i.data(), j.data(), static_cast<std::int64_t>(count),
                          out, threads);
    }
    return {out, {count}, owner};
}

}  // namespace

void register_info(nb::module_& m) {
    m.attr("INFO_ENTROPY") = static_cast<int>(InfoKind::entropy);
    m.attr("INFO_CROSS_ENTROPY") = static_cast<int>(InfoKind::cross_entropy);
    m.attr("INFO_KL") = static_cast<int>(InfoKind::kl);
    m.attr("INFO_JS") = static_cast<int>(InfoKind::js);
    m.attr("DIV_HELLINGER") = static_cast<int>(pydiv::DivergenceKind::hellinger);
    m.attr("DIV_TOTAL_VARIATION") = static_cast<int>(pydiv::DivergenceKind::total_variation);
    m.attr("DIV_BHATTACHARYYA") = static_cast<int>(pydiv::DivergenceKind::bhattacharyya);
    m.attr("DIV_CHI2") = static_cast<int>(pydiv::DivergenceKind::chi2);
    m.attr("DIV_JEFFREYS") = static_cast<int>(pydiv::DivergenceKind::jeffreys);
    m.attr("DIV_BHATTACHARYYA_DISTANCE") = static_cast<int>(pydiv::DivergenceKind::bhattacharyya_distance);
    m.def("divergence_rows", &divergence_rows, nb::arg("kind"), nb::arg("p"), nb::arg("q"), nb::arg("threads"));
    m.def("info_vector", &info_vector<double>, nb::arg("kind"), nb::arg("p"), nb::arg("q").none());
    m.def("info_vector", &info_vector<float>, nb::arg("kind"), nb::arg("p"), nb::arg("q").none());
    m.def("info_rows", &info_rows<double>, nb::arg("kind"), nb::arg("p"), nb::arg("q").none(), nb::arg("threads"));
    m.def("info_rows", &info_rows<float>, nb::arg("kind"), nb::arg("p"), nb::arg("q").none(), nb::arg("threads"));
    m.def("info_pairs", &info_pairs, nb::arg("kind"), nb::arg("p"), nb::arg("q"), nb::arg("i"), nb::arg("j"),
          nb::arg("threads"));
    m.def("info_partials", &info_partials<double>, nb::arg("kind"), nb::arg("p"), nb::arg("q").none(),
          nb::arg("sp"), nb::arg("sq"));
    m.def("info_partials", &info_partials<float>, nb::arg("kind"), nb::arg("p"), nb::arg("q").none(),
          nb::arg("sp"), nb::arg("sq"));
    m.def("info_stream_partials", &info_stream_partials, nb::arg("kind"), nb::arg("p"), nb::arg("q"));
    m.def("info_stream_kl_gain", &info_stream_kl_gain, nb::arg("totals"));
}
