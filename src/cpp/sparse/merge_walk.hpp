// The merge walk over two sparse rows, and the per-element terms of the
// sparse metrics.
//
// A metric is a term f(x, y, d) >= 0 with f(0, 0) = 0, positively
// homogeneous of degree 1 (f(c x, c y) = c f(x, y)), applied per column to
// the two rows a and b as given, the one of the smaller total weighed up by
// sigma = big / small >= 1 (a double-double, the ratio of the totals A and
// B): x = sigma a_k, y = b_k when A <= B, else x = a_k, y = sigma b_k.
// Weighing the other row down could underflow its small entries (to a
// subnormal, losing digits, or to zero: KL = inf); weighing up keeps every
// value at most the larger total.  d = x - y is formed exactly (the
// rounding of sigma times the value is recovered by an FMA or Dekker's
// product), so near-identical rows keep full relative accuracy.  The sum of
// the terms is then max(A, B) times the metric of the normalised rows.
//
// Homogeneity also makes the one-sided columns linear: f(x, 0) = x f(1, 0)
// and f(0, y) = y f(0, 1).  So the walk evaluates f only where both rows
// hold a value (the intersection) and adds the one-sided parts as
// f(1, 0) (A - sum of a over the intersection) and f(0, 1) (the same for
// b), those sums compensated, so the difference keeps its relative
// accuracy; a one-sided part whose count is zero is exactly zero.  Two ways
// to meet the intersection, in increasing column order both (so bitwise the
// same value): merge_pair, the merge of the two sorted index lists, and
// table_pairs, y's indices looked up in a column table of up to 8 rows of x
// (a pair then costs about an eighth of y's stored values).
//
// A new metric is a term of info/divergence_terms.hpp (shared with the
// dense rows) and one line in sparse_pairwise.cpp's dispatch.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "info/divergence_terms.hpp"
#include "info/info_scalar.hpp"
#include "sparse/sparse_rows.hpp"

namespace pydiv {
namespace sparse {

using terms::JsTerm;
using terms::KlTerm;
using terms::HellingerTerm;
using terms::TotalVariationTerm;
using terms::kInf;

// One side's part outside the intersection: coefficient * (total - inside),
// exactly 0 when every value is inside, infinite (KL) when any is outside.
inline double one_sided(double coefficient, bool any, double total_hi, double total_lo, double in_hi,
                        double in_lo) {
    if (!any) return 0.0;
    if (coefficient == kInf) return kInf;
    return coefficient * ((total_hi - in_hi) + (total_lo - in_lo));
}

// The pair's running sums: the terms on the intersection, and the
// intersection's compensated sums of a and of b.
struct PairSums {
    double s = 0.0, ax = 0.0, ax_lo = 0.0, by = 0.0, by_lo = 0.0;
    std::int64_t common = 0;
};

// The weight of a pair: sigma = big / small >= 1, and which row it weighs
// up (x's when A <= B).
struct PairRatio {
    double hi = 1.0, lo = 0.0;
    bool up_x = false;
};

// The ratio of the totals of row i of x and row j of y.
inline PairRatio pair_ratio(const SparseRows& x, std::int64_t i, const SparseRows& y, std::int64_t j) {
    PairRatio r;
    r.up_x = x.sum_hi[i] <= y.sum_hi[j];
    InfoPartial sums;  // big / small: sum_ratio gives sum_p / sum_q
    sums.sum_p = r.up_x ? y.sum_hi[j] : x.sum_hi[i];
    sums.sum_p_lo = r.up_x ? y.sum_lo[j] : x.sum_lo[i];
    sums.sum_q = r.up_x ? x.sum_hi[i] : y.sum_hi[j];
    sums.sum_q_lo = r.up_x ? x.sum_lo[i] : y.sum_lo[j];
    sum_ratio(sums, r.hi, r.lo);
    return r;
}

// One column held by both rows: a from x, b from y.
template <class Term>
inline void add_common(double a, double b, const PairRatio& r, PairSums& acc) {
    if (r.up_x) {
        const double t = r.hi * a;
        const double d = ((t - b) + scalar::product_error(r.hi, a, t)) + r.lo * a;
        acc.s += Term::both(t, b, d);
    } else {
        const double t = r.hi * b;
        const double d = ((a - t) - scalar::product_error(r.hi, b, t)) - r.lo * b;
        acc.s += Term::both(a, t, d);
    }
    scalar::add_fast2sum(acc.ax, acc.ax_lo, a);
    scalar::add_fast2sum(acc.by, acc.by_lo, b);
    ++acc.common;
}

// The metric's value (natural log) from the intersection's sums.
template <class Term>
inline double finish_pair(const SparseRows& x, std::int64_t i, const SparseRows& y, std::int64_t j,
                          const PairRatio& r, const PairSums& acc) {
    const std::int64_t count_x = x.indptr[i + 1] - x.indptr[i];
    const std::int64_t count_y = y.indptr[j + 1] - y.indptr[j];
    // Each side's part, then the weighed-up side's weight (sigma's low part is
    // far below the result's digits; sigma >= 1, so nothing underflows).
    const double part_x = one_sided(Term::only_x, acc.common < count_x, x.sum_hi[i], x.sum_lo[i], acc.ax, acc.ax_lo);
    const double part_y = one_sided(Term::only_y, acc.common < count_y, y.sum_hi[j], y.sum_lo[j], acc.by, acc.by_lo);
    const double s = acc.s + (r.up_x ? r.hi * part_x + part_y : part_x + r.hi * part_y);
    const double big = r.up_x ? y.sum_hi[j] + y.sum_lo[j] : x.sum_hi[i] + x.sum_lo[i];
    return Term::finish(s / big);
}

// The merge walk: both rows' sorted indices, both cursors advanced without
// a branch on the comparison.  Each step waits for the previous one's loads
// (a chain of latency), so it is the path for rows too wide for a column
// table (below).
template <class Term>
double merge_pair(const SparseRows& x, std::int64_t i, const SparseRows& y, std::int64_t j) {
    const PairRatio r = pair_ratio(x, i, y, j);
    PairSums acc;
    std::int64_t p = x.indptr[i];
    const std::int64_t pe = x.indptr[i + 1];
    std::int64_t q = y.indptr[j];
    const std::int64_t qe = y.indptr[j + 1];
    const std::int64_t* xi = x.indices;
    const std::int64_t* yi = y.indices;
    while (p < pe && q < qe) {
        const std::int64_t u = xi[p];
        const std::int64_t v = yi[q];
        if (u == v) add_common<Term>(x.data[p], y.data[q], r, acc);
        p += u <= v;
        q += v <= u;
    }
    return finish_pair<Term>(x, i, y, j, r, acc);
}

inline bool in_table(std::int64_t column, std::int64_t width) {
    return static_cast<std::uint64_t>(column) < static_cast<std::uint64_t>(width);
}

// Most rows of x in one column table (one bit each).
constexpr std::int64_t kTableRows = 8;

// The same sums for rows ia .. ib - 1 of x (at most kTableRows) against
// row j of y, by a column table: mask[c] has bit r set when row ia + r holds
// column c (the caller fills it).  y's stored values are looked up
// independently of each other, one lookup for all the rows of the table,
// and met in increasing column order, so each pair's sums are those of
// merge_pair, bit for bit.  A hit finds its value in x's row by binary
// search (hits are rare in sparse rows).  acc[r] and ratio[r] are per row.
template <class Term>
void table_pairs(const SparseRows& x, std::int64_t ia, std::int64_t ib, const std::uint8_t* mask, std::int64_t width,
                 const SparseRows& y, std::int64_t j, std::uint8_t wanted, const PairRatio* ratio,
                 PairSums* acc) {
    for (std::int64_t q = y.indptr[j]; q < y.indptr[j + 1]; ++q) {
        const std::int64_t column = y.indices[q];
        const unsigned bits = in_table(column, width) ? static_cast<unsigned>(mask[column] & wanted) : 0u;
        if (bits == 0u) continue;
        for (std::int64_t r = 0; r < ib - ia; ++r) {
            if (!(bits & (1u << r))) continue;
            const std::int64_t* first = x.indices + x.indptr[ia + r];
            const std::int64_t* last = x.indices + x.indptr[ia + r + 1];
            const std::int64_t* at = std::lower_bound(first, last, column);
            if (at != last && *at == column)
                add_common<Term>(x.data[at - x.indices], y.data[q], ratio[r], acc[r]);
        }
    }
}

}  // namespace sparse
}  // namespace pydiv
