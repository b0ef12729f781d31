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

// numpy.quantile(x, q), linear method, numpy's rounding; x holds its order
// statistics at the two ranks used (select_ranks).
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
// The search has no data-dependent branch (the compiler makes conditional
// moves): random values would mispredict a branching one at every level.
inline std::int64_t search(const double* e, std::int64_t bins, double x) {
    if (!(x >= e[0] && x <= e[bins])) return -1;
    if (x == e[bins]) {
        // The closed last bin; with repeated last edges (padding) it is the
        // last bin of nonzero width.
        std::int64_t i = bins - 1;
        while (i > 0 && e[i] == e[bins]) --i;
        return i;
    }
    // The largest i with e[i] <= x (e[0] <= x < e[bins]).
    const double* base = e;
    std::int64_t len = bins + 1;
    while (len > 1) {
        const std::int64_t half = len / 2;
        base = base[half] <= x ? base + half : base;
        len -= half;
    }
    return base - e;
}

// Four partial histograms: a run of equal bins would otherwise make each
// increment wait on the previous one's store.
template <class Index>
void count_index(const double* x, std::int64_t n, const double* e, std::int64_t bins, double* counts, Index index) {
    std::vector<std::int64_t> c(static_cast<std::size_t>(4 * bins), 0);
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (std::int64_t u = 0; u < 4; ++u) {
            const std::int64_t k = index(e, bins, x[i + u]);
            if (k >= 0) ++c[u * bins + k];
        }
    for (; i < n; ++i) {
        const std::int64_t k = index(e, bins, x[i]);
        if (k >= 0) ++c[k];
    }
    for (std::int64_t k = 0; k < bins; ++k)
        counts[k] = static_cast<double>(c[k] + c[bins + k] + c[2 * bins + k] + c[3 * bins + k]);
}

// Uniform edges: the index from arithmetic as numpy computes it, then moved
// until e[k] <= x < e[k + 1] holds on the actual edge values; -1 outside.
inline std::int64_t uniform_index(const double* e, std::int64_t bins, double v) {
    const double lo = e[0], hi = e[bins];
    if (!(v >= lo && v <= hi)) return -1;
    std::int64_t k = static_cast<std::int64_t>((v - lo) / (hi - lo) * static_cast<double>(bins));
    if (k >= bins) k = bins - 1;
    if (k < 0) k = 0;
    while (k > 0 && v < e[k]) --k;
    while (k < bins - 1 && v >= e[k + 1]) ++k;
    return k;
}

void min_max(const double* x, std::int64_t n, double& lo, double& hi) {
    double l = lo, h = hi;  // in registers: through the references each step would wait on a store
    for (std::int64_t i = 0; i < n; ++i) {
        l = x[i] < l ? x[i] : l;
        h = x[i] > h ? x[i] : h;
    }
    lo = l;
    hi = h;
}

// The order statistics sorted[i] for the listed ascending ranks, by
// selection: each nth_element works on the part above the previous rank.
void select_ranks(double* a, std::int64_t n, const std::vector<std::int64_t>& ranks) {
    std::int64_t from = 0;
    for (const std::int64_t r : ranks) {
        if (r < from) continue;  // already in place
        std::nth_element(a + from, a + r, a + n);
        from = r + 1;
    }
}

// Quantile edges of a (reordered in place), widened to [lo, hi], collapsed and padded.
void quantile_edges(double* a, std::int64_t na, double lo, double hi, std::int64_t bins, double* e) {
    const double step = 1.0 / static_cast<double>(bins);
    auto level = [&](std::int64_t i) { return i == bins ? 1.0 : static_cast<double>(i) * step; };
    std::vector<std::int64_t> ranks;
    for (std::int64_t i = 1; i < bins; ++i) {  // the outer edges are lo and hi
        const double vi = static_cast<double>(na - 1) * level(i);
        const auto r = static_cast<std::int64_t>(std::floor(vi));
        ranks.push_back(std::min(r, na - 1));
        if (r + 1 < na) ranks.push_back(r + 1);
    }
    std::sort(ranks.begin(), ranks.end());
    select_ranks(a, na, ranks);
    std::int64_t m = 0;
    for (std::int64_t i = 0; i <= bins; ++i) {
        const double v = i == 0 ? lo : i == bins ? hi : quantile(a, na, level(i));
        if (m == 0 || v > e[m - 1]) e[m++] = v;
    }
    if (m == 1) {  // every value equal: one bin around it, as numpy widens a constant range
        e[0] = lo - 0.5;
        e[1] = lo + 0.5;
        m = 2;
    }
    for (std::int64_t i = m; i <= bins; ++i) e[i] = e[m - 1];
}

// Quantile edges (buffered path): a and b are compacted contiguous columns.
Problem quantile_column(double* a, std::int64_t na, const double* b, std::int64_t nb, std::int64_t bins,
                        double* ca, double* cb, double* e) {
    if (na == 0) return Problem::empty_reference;
    double lo = INFINITY, hi = -INFINITY;
    min_max(a, na, lo, hi);
    min_max(b, nb, lo, hi);
    // The selection reorders a; the counts do not depend on the order.
    quantile_edges(a, na, lo, hi, bins, e);
    count_index(a, na, e, bins, ca, [](const double* ek, std::int64_t n, double v) { return search(ek, n, v); });
    count_index(b, nb, e, bins, cb, [](const double* ek, std::int64_t n, double v) { return search(ek, n, v); });
    return Problem::none;
}

// Uniform or explicit edges (a, b compacted contiguous columns).
void edges_column(const double* a, std::int64_t na, const double* b, std::int64_t nb, const Spec& s, double* ca,
                  double* cb, double* e) {
    const std::int64_t bins = s.bins;
    if (s.kind == EdgeKind::explicit_edges) {
        std::copy(s.edges, s.edges + bins + 1, e);
        count_index(a, na, e, bins, ca, [](const double* ek, std::int64_t n, double v) { return search(ek, n, v); });
        count_index(b, nb, e, bins, cb, [](const double* ek, std::int64_t n, double v) { return search(ek, n, v); });
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
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
    linspace(lo, hi, bins, e);
    // Lambdas, not function pointers, so that the index is inlined.
    count_index(a, na, e, bins, ca, [](const double* ek, std::int64_t n, double v) { return uniform_index(ek, n, v); });
    count_index(b, nb, e, bins, cb, [](const double* ek, std::int64_t n, double v) { return uniform_index(ek, n, v); });
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
                double *ca = counts_a + j * bins, *cb = counts_b + j * bins, *e = edges_out + j * (bins + 1);
                if (spec.kind != EdgeKind::quantile)
                    edges_column(xa, na, xb, nb, spec, ca, cb, e);
                else if (quantile_column(xa, na, xb, nb, bins, ca, cb, e) == Problem::empty_reference)
                    problem[j] = 3;
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
