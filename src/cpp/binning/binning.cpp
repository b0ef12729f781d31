// Shared-edge histograms (binning.hpp): edges and counts per column, columns
// in blocks across OpenMP threads.
#include "binning/binning.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/threads.hpp"

namespace pydiv::binning {
namespace {

// Columns copied out of the table together: 8 doubles are one cache line of a
// C-ordered row, so a block reads each line of the table once.
constexpr std::int64_t kBlock = 8;

// Copies columns [c0, c0 + width) of t into buf (width contiguous columns).
void gather(const Table& t, std::int64_t c0, std::int64_t width, double* buf) {
    for (std::int64_t r = 0; r < t.rows; ++r) {
        const double* row = t.data + r * t.row_stride + c0 * t.col_stride;
        for (std::int64_t k = 0; k < width; ++k) buf[k * t.rows + r] = row[k * t.col_stride];
    }
}

// Checks a column for NaN/inf; with omit_nan the NaNs are removed in place.
// Returns the new length, or -1 (NaN) / -2 (inf).
std::int64_t clean(double* x, std::int64_t n, bool omit_nan) {
    std::int64_t m = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double v = x[i];
        if (std::isnan(v)) {
            if (!omit_nan) return -1;
            continue;
        }
        if (std::isinf(v)) return -2;
        x[m++] = v;
    }
    return m;
}

// numpy.linspace(lo, hi, bins + 1).
void linspace(double lo, double hi, std::int64_t bins, double* e) {
    const double delta = hi - lo;
    const double step = delta / static_cast<double>(bins);
    for (std::int64_t i = 0; i < bins; ++i)
        e[i] = step == 0.0 ? static_cast<double>(i) / static_cast<double>(bins) * delta + lo
                           : static_cast<double>(i) * step + lo;
    e[bins] = hi;
}

// numpy.quantile(sorted x, q), linear method, numpy's rounding.
double quantile(const double* sorted, std::int64_t n, double q) {
    const double vi = static_cast<double>(n - 1) * q;
    if (vi >= static_cast<double>(n - 1)) return sorted[n - 1];
    const double prev = std::floor(vi);
    const double t = vi - prev;
    const auto i = static_cast<std::int64_t>(prev);
    const double a = sorted[i], b = sorted[i + 1];
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Index of the bin holding x among bins [e[i], e[i + 1]), the last closed, or -1.
inline std::int64_t search(const double* e, std::int64_t bins, double x) {
    if (!(x >= e[0] && x <= e[bins])) return -1;
    if (x == e[bins]) {
        // The closed last bin; with repeated last edges (padding) it is the
        // last bin of nonzero width.
        std::int64_t i = bins - 1;
        while (i > 0 && e[i] == e[bins]) --i;
        return i;
    }
    return static_cast<std::int64_t>(std::upper_bound(e, e + bins + 1, x) - e) - 1;
}

void count_search(const double* x, std::int64_t n, const double* e, std::int64_t bins, double* counts) {
    std::vector<std::int64_t> c(static_cast<std::size_t>(bins), 0);
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t k = search(e, bins, x[i]);
        if (k >= 0) ++c[k];
    }
    for (std::int64_t k = 0; k < bins; ++k) counts[k] = static_cast<double>(c[k]);
}

// Uniform edges: the index from arithmetic as numpy computes it, then moved
// until e[k] <= x < e[k + 1] holds on the actual edge values.
void count_uniform(const double* x, std::int64_t n, const double* e, std::int64_t bins, double* counts) {
    std::vector<std::int64_t> c(static_cast<std::size_t>(bins), 0);
    const double lo = e[0], hi = e[bins], denom = hi - lo, num = static_cast<double>(bins);
    for (std::int64_t i = 0; i < n; ++i) {
        const double v = x[i];
        if (!(v >= lo && v <= hi)) continue;
        std::int64_t k = static_cast<std::int64_t>((v - lo) / denom * num);
        if (k >= bins) k = bins - 1;
        if (k < 0) k = 0;
        while (k > 0 && v < e[k]) --k;
        while (k < bins - 1 && v >= e[k + 1]) ++k;
        ++c[k];
    }
    for (std::int64_t k = 0; k < bins; ++k) counts[k] = static_cast<double>(c[k]);
}

void min_max(const double* x, std::int64_t n, double& lo, double& hi) {
    for (std::int64_t i = 0; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
}

// Quantile edges of a (sorted in place), widened to [lo, hi], collapsed and padded.
void quantile_edges(double* a, std::int64_t na, double lo, double hi, std::int64_t bins, double* e) {
    std::sort(a, a + na);
    const double step = 1.0 / static_cast<double>(bins);
    std::int64_t m = 0;
    for (std::int64_t i = 0; i <= bins; ++i) {
        const double q = i == bins ? 1.0 : static_cast<double>(i) * step;
        double v = quantile(a, na, q);
        if (i == 0) v = lo;
        if (i == bins) v = hi;
        if (m == 0 || v > e[m - 1]) e[m++] = v;
    }
    if (m == 1) {  // every value equal: one bin around it, as numpy widens a constant range
        e[0] = lo - 0.5;
        e[1] = lo + 0.5;
        m = 2;
    }
    for (std::int64_t i = m; i <= bins; ++i) e[i] = e[m - 1];
}

struct Column {
    double* a;
    std::int64_t na;
    double* b;
    std::int64_t nb;
};

Problem bin_column(Column col, const Spec& s, double* ca, double* cb, double* e) {
    const std::int64_t bins = s.bins;
    if (s.kind == EdgeKind::explicit_edges) {
        std::copy(s.edges, s.edges + bins + 1, e);
    } else {
        double lo = INFINITY, hi = -INFINITY;
        min_max(col.a, col.na, lo, hi);
        min_max(col.b, col.nb, lo, hi);
        if (s.kind == EdgeKind::quantile) {
            if (col.na == 0) return Problem::empty_reference;
            quantile_edges(col.a, col.na, lo, hi, bins, e);
        } else {
            if (s.has_range) {
                lo = s.lo;
                hi = s.hi;
            } else if (col.na + col.nb == 0) {
                lo = 0.0;
                hi = 1.0;
            }
            if (lo == hi) {
                lo -= 0.5;
                hi += 0.5;
            }
            linspace(lo, hi, bins, e);
            count_uniform(col.a, col.na, e, bins, ca);
            count_uniform(col.b, col.nb, e, bins, cb);
            return Problem::none;
        }
    }
    count_search(col.a, col.na, e, bins, ca);
    count_search(col.b, col.nb, e, bins, cb);
    return Problem::none;
}

}  // namespace

Status bin_tables(const Table& a, const Table& b, const Spec& spec, double* counts_a, double* counts_b,
                  double* edges_out, int threads) {
    const std::int64_t cols = a.cols, bins = spec.bins;
    const std::int64_t blocks = (cols + kBlock - 1) / kBlock;
    // Per column: its problem (0 none) and which table.
    std::vector<int> problem(static_cast<std::size_t>(cols), 0);
    std::vector<char> which(static_cast<std::size_t>(cols), 'a');
    const int n_threads = static_cast<int>(std::min<std::int64_t>(resolve_threads(threads), blocks));
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1)
    {
        std::vector<double> buf_a(static_cast<std::size_t>(kBlock * a.rows));
        std::vector<double> buf_b(static_cast<std::size_t>(kBlock * b.rows));
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t blk = 0; blk < blocks; ++blk) {
            const std::int64_t c0 = blk * kBlock, width = std::min(kBlock, cols - c0);
            gather(a, c0, width, buf_a.data());
            gather(b, c0, width, buf_b.data());
            for (std::int64_t k = 0; k < width; ++k) {
                const std::int64_t j = c0 + k;
                double* xa = buf_a.data() + k * a.rows;
                double* xb = buf_b.data() + k * b.rows;
                const std::int64_t na = clean(xa, a.rows, spec.omit_nan);
                const std::int64_t nb = na < 0 ? 0 : clean(xb, b.rows, spec.omit_nan);
                if (na < 0 || nb < 0) {
                    problem[j] = (na == -1 || nb == -1) ? 1 : 2;
                    which[j] = na < 0 ? 'a' : 'b';
                    continue;
                }
                const Problem p = bin_column({xa, na, xb, nb}, spec, counts_a + j * bins, counts_b + j * bins,
                                             edges_out + j * (bins + 1));
                if (p == Problem::empty_reference) problem[j] = 3;
            }
        }
    }
    Status st;
    for (std::int64_t j = 0; j < cols; ++j) {
        if (problem[j] == 0) continue;
        st.problem = problem[j] == 1 ? Problem::nan : problem[j] == 2 ? Problem::inf : Problem::empty_reference;
        st.column = j;
        st.dataset = which[j];
        break;
    }
    return st;
}

}  // namespace pydiv::binning
