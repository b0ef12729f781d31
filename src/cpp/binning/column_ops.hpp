// Column operations shared by the shared-edge histograms (binning.cpp) and
// the bin-count rules (bin_rules.cpp): copying a block of columns out of a
// strided table, removing NaN, numpy's linspace and linear quantile, and
// order statistics by selection.  Every function reproduces NumPy's
// rounding where NumPy computes the same quantity.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "binning/binning.hpp"

namespace pydiv::binning::detail {

// Columns copied out of the table together: 8 doubles are one cache line of a
// C-ordered row, so a block reads each line of the table once.
constexpr std::int64_t kBlock = 8;

// Copies columns [c0, c0 + width) of t into buf, column k at buf + k * stride
// (stride >= t.rows).  A weight table of 1-D weights has col_stride 0.
inline void gather(const Table& t, std::int64_t c0, std::int64_t width, double* buf, std::int64_t stride) {
    for (std::int64_t r = 0; r < t.rows; ++r) {
        const double* row = t.data + r * t.row_stride + c0 * t.col_stride;
        for (std::int64_t k = 0; k < width; ++k) buf[k * stride + r] = row[k * t.col_stride];
    }
}

// Checks a column for NaN/inf; with omit_nan the NaNs are removed in place
// (and their weights, when w is not null).  Returns the new length, or
// -1 (NaN) / -2 (inf).
inline std::int64_t clean(double* x, double* w, std::int64_t n, bool omit_nan) {
    std::int64_t m = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double v = x[i];
        if (std::isnan(v)) {
            if (!omit_nan) return -1;
            continue;
        }
        if (std::isinf(v)) return -2;
        if (w != nullptr) w[m] = w[i];
        x[m++] = v;
    }
    return m;
}

// numpy.linspace(lo, hi, bins + 1).
inline void linspace(double lo, double hi, std::int64_t bins, double* e) {
    const double delta = hi - lo;
    const double step = delta / static_cast<double>(bins);
    for (std::int64_t i = 0; i < bins; ++i)
        e[i] = step == 0.0 ? static_cast<double>(i) / static_cast<double>(bins) * delta + lo
                           : static_cast<double>(i) * step + lo;
    e[bins] = hi;
}

// numpy.quantile(x, q), linear method, numpy's rounding; x holds its order
// statistics at the two ranks used (quantile_ranks, select_ranks).
inline double quantile(const double* sorted, std::int64_t n, double q) {
    const double vi = static_cast<double>(n - 1) * q;
    if (vi >= static_cast<double>(n - 1)) return sorted[n - 1];
    const double prev = std::floor(vi);
    const double t = vi - prev;
    const auto i = static_cast<std::int64_t>(prev);
    const double a = sorted[i], b = sorted[i + 1];
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Appends the ranks quantile(sorted, n, q) reads.
inline void quantile_ranks(std::int64_t n, double q, std::vector<std::int64_t>& ranks) {
    const double vi = static_cast<double>(n - 1) * q;
    const auto r = static_cast<std::int64_t>(std::floor(vi));
    ranks.push_back(std::min(r, n - 1));
    if (r + 1 < n) ranks.push_back(r + 1);
}

// The order statistics sorted[i] for the listed ranks (sorted here), by
// selection: each nth_element works on the part above the previous rank.
inline void select_ranks(double* a, std::int64_t n, std::vector<std::int64_t>& ranks) {
    std::sort(ranks.begin(), ranks.end());
    std::int64_t from = 0;
    for (const std::int64_t r : ranks) {
        if (r < from) continue;  // already in place
        std::nth_element(a + from, a + r, a + n);
        from = r + 1;
    }
}

inline void min_max(const double* x, std::int64_t n, double& lo, double& hi) {
    double l = lo, h = hi;  // in registers: through the references each step would wait on a store
    for (std::int64_t i = 0; i < n; ++i) {
        l = x[i] < l ? x[i] : l;
        h = x[i] > h ? x[i] : h;
    }
    lo = l;
    hi = h;
}

// The outer edges of uniform bins as numpy._get_outer_edges: the range, or
// the min and max of both columns; a constant column gets [v - 0.5, v + 0.5],
// no value at all [0, 1].
inline void outer_edges(const double* a, std::int64_t na, const double* b, std::int64_t nb, const Spec& s,
                        double& lo, double& hi) {
    lo = INFINITY;
    hi = -INFINITY;
    min_max(a, na, lo, hi);
    min_max(b, nb, lo, hi);
    if (s.has_range) {
        lo = s.lo;
        hi = s.hi;
    } else if (na + nb == 0) {  // only NaN (omitted): numpy's range of no values
        lo = 0.0;
        hi = 1.0;
    }
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
}

}  // namespace pydiv::binning::detail
