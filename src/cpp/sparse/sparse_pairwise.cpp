// Sparse distance matrices (sparse_rows.hpp): the per-row totals and
// entropies, and the block kernel that walks the matrix with the tile walker
// of the dense kernels (pairwise/pair_walk.hpp), one merge walk per entry
// (merge_walk.hpp): by a per-thread column table of the tile's rows (a bit
// per row) where the width allows, else by the merge of the index lists; both give
// the same bits.  Cross-entropy is H(p) + KL(p || q), both parts >= 0,
// so it keeps the accuracy of each.
#include <cmath>
#include <cstdint>
#include <vector>

#include "info/info.hpp"
#include "pairwise/pair_walk.hpp"
#include "sparse/merge_walk.hpp"
#include "sparse/sparse_rows.hpp"

namespace pydiv {

void sparse_row_stats(const SparseRows& rows, double* sum_hi, double* sum_lo, double* entropy) {
    const InfoKernelTable& kernels = info_kernels();
    for (std::int64_t r = 0; r < rows.rows; ++r) {
        const double* values = rows.data + rows.indptr[r];
        const std::int64_t count = rows.indptr[r + 1] - rows.indptr[r];
        double hi = 0.0, lo = 0.0;
        for (std::int64_t k = 0; k < count; ++k) scalar::add_fast2sum(hi, lo, values[k]);
        const double total = hi + lo;  // renormalised double-double
        sum_lo[r] = lo - (total - hi);
        sum_hi[r] = total;
        // H = (1/A) sum p log(A / p), compensated (info.hpp, entropy_accurate).
        InfoPartial h;
        kernels.entropy_accurate(values, nullptr, count, sum_hi[r], sum_lo[r], h);
        const double v = (h.s + h.s_lo) / total;
        entropy[r] = v > 0.0 ? v : 0.0;
    }
}

namespace {

// Widest rows for the column table (a byte a column, per thread); wider
// rows take the merge walk.
constexpr std::int64_t kTableMaxWidth = std::int64_t(1) << 24;

// A thread's column table: all 0 between uses.
std::uint8_t* column_table(std::int64_t width) {
    thread_local std::vector<std::uint8_t> table;
    if (static_cast<std::int64_t>(table.size()) < width) table.assign(static_cast<std::size_t>(width), 0);
    return table.data();
}

// Sets (or clears) the bit of each row of the tile in the column table.
void mark_rows(const SparseRows& x, std::int64_t ia, std::int64_t ib, std::uint8_t* mask, std::int64_t width,
               bool set) {
    for (std::int64_t i = ia; i < ib; ++i)
        for (std::int64_t p = x.indptr[i]; p < x.indptr[i + 1]; ++p)
            if (sparse::in_table(x.indices[p], width))
                mask[x.indices[p]] = set ? static_cast<std::uint8_t>(mask[x.indices[p]] | (1u << (i - ia))) : 0;
}

template <class Term, class Out>
void run(const SparseRows& x, const SparseRows& y, std::int64_t width, double scale, bool take_sqrt,
         bool add_entropy, SparseWalk walk, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed, Out* out,
         int threads) {
    // The work of one entry: the stored values of an average pair.
    const double per_pair = static_cast<double>(x.indptr[x.rows] - x.indptr[0]) / (x.rows > 0 ? x.rows : 1) +
                            static_cast<double>(y.indptr[y.rows] - y.indptr[0]) / (y.rows > 0 ? y.rows : 1);
    const auto finish = [&](std::int64_t i, double v) {
        if (add_entropy) v += x.entropy[i];
        v *= scale;
        return take_sqrt ? std::sqrt(v) : v;
    };
    if (walk == SparseWalk::merge || (walk == SparseWalk::automatic && width > kTableMaxWidth)) {
        pair_walk::walk_block(x.rows, y.rows, i0, i1, symmetric, condensed, out, threads, per_pair + 1.0,
                              pair_walk::kMaxTileRows, [&](std::int64_t i, std::int64_t j) {
                                  return finish(i, sparse::merge_pair<Term>(x, i, y, j));
                              });
        return;
    }
    static_assert(pair_walk::kMaxTileRows <= sparse::kTableRows, "a tile's rows must fit the table's bits");
    pair_walk::walk_tiles(
        x.rows, y.rows, i0, i1, symmetric, condensed, out, threads, per_pair + 1.0, pair_walk::kMaxTileRows,
        [&](std::int64_t ia, std::int64_t ib, std::int64_t j0, std::int64_t j1, double* values) {
            // (A column outside the table is skipped: the binding checks the
            // indices once per matrix, not per block.)
            std::uint8_t* mask = column_table(width);
            mark_rows(x, ia, ib, mask, width, true);
            sparse::PairRatio ratio[sparse::kTableRows];
            for (std::int64_t j = j0; j < j1; ++j) {
                sparse::PairSums acc[sparse::kTableRows];
                unsigned wanted = 0;
                for (std::int64_t i = ia; i < ib; ++i) {
                    if (symmetric && j <= i) continue;
                    wanted |= 1u << (i - ia);
                    ratio[i - ia] = sparse::pair_ratio(x, i, y, j);
                }
                if (wanted == 0) continue;
                sparse::table_pairs<Term>(x, ia, ib, mask, width, y, j, static_cast<std::uint8_t>(wanted), ratio,
                                          acc);
                for (std::int64_t i = ia; i < ib; ++i)
                    if (wanted & (1u << (i - ia)))
                        values[(i - ia) * pair_walk::kChunk + (j - j0)] =
                            finish(i, sparse::finish_pair<Term>(x, i, y, j, ratio[i - ia], acc[i - ia]));
            }
            mark_rows(x, ia, ib, mask, width, false);
        });
}

}  // namespace

template <class Out>
void sparse_pair_block(SparseMetric metric, const SparseRows& x, const SparseRows& y, std::int64_t width,
                       double scale, bool take_sqrt, SparseWalk walk, std::int64_t i0, std::int64_t i1, bool symmetric,
                       bool condensed, Out* out, int threads) {
    const auto go = [&](auto term, bool add_entropy) {
        run<decltype(term)>(x, y, width, scale, take_sqrt, add_entropy, walk, i0, i1, symmetric, condensed, out,
                            threads);
    };
    switch (metric) {
        case SparseMetric::kl: go(sparse::KlTerm{}, false); break;
        case SparseMetric::cross_entropy: go(sparse::KlTerm{}, true); break;
        case SparseMetric::js: go(sparse::JsTerm{}, false); break;
        case SparseMetric::hellinger: go(sparse::HellingerTerm{}, false); break;
        case SparseMetric::total_variation: go(sparse::TotalVariationTerm{}, false); break;
    }
}

template void sparse_pair_block<double>(SparseMetric, const SparseRows&, const SparseRows&, std::int64_t, double, bool,
                                        SparseWalk, std::int64_t, std::int64_t, bool, bool, double*, int);
template void sparse_pair_block<float>(SparseMetric, const SparseRows&, const SparseRows&, std::int64_t, double, bool,
                                       SparseWalk, std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
