// Shared-edge histograms (binning.hpp): edges and counts per column, columns
// in blocks across OpenMP threads.
#include "binning/binning.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "binning/column_ops.hpp"
#include "core/threads.hpp"

namespace pydiv::binning {
namespace {

using detail::kBlock;

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

// Four partial histograms: a run of equal bins would otherwise make each
// increment wait on the previous one's store.  Counts are integers; with
// weights (w not null) the partial sums are of the weights.
template <class Acc, class Index>
void count_into(const double* x, const double* w, std::int64_t n, const double* e, std::int64_t bins,
                double* counts, Index index) {
    std::vector<Acc> c(static_cast<std::size_t>(4 * bins), Acc(0));
    const auto weight = [w](std::int64_t i) { return w == nullptr ? Acc(1) : static_cast<Acc>(w[i]); };
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (std::int64_t u = 0; u < 4; ++u) {
            const std::int64_t k = index(e, bins, x[i + u]);
            if (k >= 0) c[u * bins + k] += weight(i + u);
        }
    for (; i < n; ++i) {
        const std::int64_t k = index(e, bins, x[i]);
        if (k >= 0) c[k] += weight(i);
    }
    for (std::int64_t k = 0; k < bins; ++k)
        counts[k] = static_cast<double>((c[k] + c[bins + k]) + (c[2 * bins + k] + c[3 * bins + k]));
}

template <class Index>
void count_index(const double* x, const double* w, std::int64_t n, const double* e, std::int64_t bins,
                 double* counts, Index index) {
    if (w == nullptr)
        count_into<std::int64_t>(x, w, n, e, bins, counts, index);
    else
        count_into<double>(x, w, n, e, bins, counts, index);
}

// A compacted column of values and (optionally) their weights.
struct Column {
    double* x;
    double* w;  // null: unit weights
    std::int64_t n;
};

// Lambdas, not function pointers, so that the index is inlined.
void count_search(const Column& c, const double* e, std::int64_t bins, double* counts) {
    count_index(c.x, c.w, c.n, e, bins, counts,
                [](const double* ek, std::int64_t m, double v) { return search(ek, m, v); });
}
void count_uniform(const Column& c, const double* e, std::int64_t bins, double* counts) {
    count_index(c.x, c.w, c.n, e, bins, counts,
                [](const double* ek, std::int64_t m, double v) { return uniform_index(ek, m, v); });
}

// Quantile edges of a (reordered in place), widened to [lo, hi], collapsed and padded.
void quantile_edges(double* a, std::int64_t na, double lo, double hi, std::int64_t bins, double* e) {
    const double step = 1.0 / static_cast<double>(bins);
    auto level = [&](std::int64_t i) { return i == bins ? 1.0 : static_cast<double>(i) * step; };
    std::vector<std::int64_t> ranks;
    for (std::int64_t i = 1; i < bins; ++i) detail::quantile_ranks(na, level(i), ranks);  // outer edges: lo, hi
    detail::select_ranks(a, na, ranks);
    std::int64_t m = 0;
    for (std::int64_t i = 0; i <= bins; ++i) {
        const double v = i == 0 ? lo : i == bins ? hi : detail::quantile(a, na, level(i));
        if (m == 0 || v > e[m - 1]) e[m++] = v;
    }
    if (m == 1) {  // every value equal: one bin around it, as numpy widens a constant range
        e[0] = lo - 0.5;
        e[1] = lo + 0.5;
        m = 2;
    }
    for (std::int64_t i = m; i <= bins; ++i) e[i] = e[m - 1];
}

// Quantile edges: the selection reorders a's values, so with weights it
// works on a copy (the counts do not depend on the order, the weights' do).
Problem quantile_column(Column& a, const Column& b, std::int64_t bins, double* ca, double* cb, double* e) {
    if (a.n == 0) return Problem::empty_reference;
    double lo = INFINITY, hi = -INFINITY;
    detail::min_max(a.x, a.n, lo, hi);
    detail::min_max(b.x, b.n, lo, hi);
    if (a.w == nullptr) {
        quantile_edges(a.x, a.n, lo, hi, bins, e);
    } else {
        std::vector<double> copy(a.x, a.x + a.n);
        quantile_edges(copy.data(), a.n, lo, hi, bins, e);
    }
    count_search(a, e, bins, ca);
    count_search(b, e, bins, cb);
    return Problem::none;
}

// Uniform (own_bins of them, padded to s.bins) or explicit edges.
void edges_column(const Column& a, const Column& b, const Spec& s, std::int64_t own_bins, double* ca, double* cb,
                  double* e) {
    if (s.kind == EdgeKind::explicit_edges) {
        std::copy(s.edges, s.edges + s.bins + 1, e);
        count_search(a, e, s.bins, ca);
        count_search(b, e, s.bins, cb);
        return;
    }
    double lo, hi;
    detail::outer_edges(a.x, a.n, b.x, b.n, s, lo, hi);
    detail::linspace(lo, hi, own_bins, e);
    count_uniform(a, e, own_bins, ca);
    count_uniform(b, e, own_bins, cb);
    for (std::int64_t k = own_bins; k < s.bins; ++k) {
        ca[k] = cb[k] = 0.0;
        e[k + 1] = hi;
    }
}

// A thread's buffers of one block of columns of a table and its weights.
struct BlockBuffers {
    std::vector<double> x, w;
    BlockBuffers(const Table& t, const Table* weights)
        : x(static_cast<std::size_t>(kBlock * t.rows)),
          w(weights != nullptr ? static_cast<std::size_t>(kBlock * t.rows) : 0) {}
    void fill(const Table& t, const Table* weights, std::int64_t c0, std::int64_t width) {
        detail::gather(t, c0, width, x.data(), t.rows);
        if (weights != nullptr) detail::gather(*weights, c0, width, w.data(), t.rows);
    }
    Column column(std::int64_t k, std::int64_t rows) {
        return {x.data() + k * rows, w.empty() ? nullptr : w.data() + k * rows, rows};
    }
};

}  // namespace

Status bin_tables(const Table& a, const Table& b, const Spec& spec, double* counts_a, double* counts_b,
                  double* edges_out, int threads, const Weights& weights) {
    const std::int64_t cols = a.cols, bins = spec.bins;
    const std::int64_t blocks = (cols + kBlock - 1) / kBlock;
    // Per column: its problem (0 none) and which table.
    std::vector<int> problem(static_cast<std::size_t>(cols), 0);
    std::vector<char> which(static_cast<std::size_t>(cols), 'a');
    const int n_threads = static_cast<int>(std::min<std::int64_t>(resolve_threads(threads), blocks));
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1)
    {
        BlockBuffers buf_a(a, weights.a), buf_b(b, weights.b);
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t blk = 0; blk < blocks; ++blk) {
            const std::int64_t c0 = blk * kBlock, width = std::min(kBlock, cols - c0);
            buf_a.fill(a, weights.a, c0, width);
            buf_b.fill(b, weights.b, c0, width);
            for (std::int64_t k = 0; k < width; ++k) {
                const std::int64_t j = c0 + k;
                Column ca_col = buf_a.column(k, a.rows), cb_col = buf_b.column(k, b.rows);
                ca_col.n = detail::clean(ca_col.x, ca_col.w, a.rows, spec.omit_nan);
                cb_col.n = ca_col.n < 0 ? 0 : detail::clean(cb_col.x, cb_col.w, b.rows, spec.omit_nan);
                if (ca_col.n < 0 || cb_col.n < 0) {
                    problem[j] = (ca_col.n == -1 || cb_col.n == -1) ? 1 : 2;
                    which[j] = ca_col.n < 0 ? 'a' : 'b';
                    continue;
                }
                double *ca = counts_a + j * bins, *cb = counts_b + j * bins, *e = edges_out + j * (bins + 1);
                if (spec.kind == EdgeKind::quantile) {
                    if (quantile_column(ca_col, cb_col, bins, ca, cb, e) == Problem::empty_reference)
                        problem[j] = 3;
                } else {
                    const std::int64_t own = spec.kind == EdgeKind::per_column ? spec.column_bins[j] : bins;
                    edges_column(ca_col, cb_col, spec, own, ca, cb, e);
                }
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
