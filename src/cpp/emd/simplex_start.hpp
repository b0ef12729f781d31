// The first basis of the exact EMD solver, and the scan of the costs that
// precedes it.  Plain C++17, no Python; part of network_simplex.hpp.
//
// scan_costs: one pass over all costs finds invalid ones (NaN, -inf), the
// largest finite |C| (which fixes Mrank, the power of two that stands for
// the symbolic big M, and the screening slack of the pricing), each row's
// cheapest column, and rows or columns without a finite arc (infeasible).
//
// Two starts, both strongly feasible spanning trees rooted at R (every tree
// arc with zero flow points away from the root), with potentials exact for
// their tree:
// * artificial: every node hangs from R by its artificial arc (the
//   textbook start; Ahuja, Magnanti and Orlin, "Network Flows", 1993, 11.2);
// * row_minimum (the default, 10-20 % fewer pivots): supply i hangs, with
//   all its mass, from its cheapest column; each column hangs from R by an
//   artificial arc carrying the residual b_j - (mass received), directed so
//   that the flow is >= 0 (a crash start in the spirit of the row-minimum
//   rule of transportation tableaux).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "emd/simplex_pricing.hpp"  // ns_detail::has_row
#include "emd/simplex_solver.hpp"

namespace pydiv {

// One pass over all costs: validity, max |C|, row minima (for the crash start),
// rows / columns without any finite arc (=> infeasible).
template <class C>
EmdStatus NetworkSimplex::scan_costs(C& cost) {
    const int64_t n = n_, m = m_;
    row_arg_.resize(static_cast<size_t>(n));
    row_val_.resize(static_cast<size_t>(n));
    col_ok_.assign(static_cast<size_t>(m), 0);
    double maxabs = 0.0;
    bool nan_seen = false, empty_row = false;
    double* buf = price_buf_;
    for (int64_t i = 0; i < n; ++i) {
        double best = kInf;
        int64_t arg = -1;
        for (int64_t j0 = 0; j0 < m; j0 += kPriceChunk) {
            const int64_t cl = std::min(kPriceChunk, m - j0);
            if constexpr (ns_detail::has_row<C>::value) {
                cost.row(i, j0, cl, buf);
            } else {
                for (int64_t k = 0; k < cl; ++k) buf[k] = cost(i, j0 + k);
            }
            for (int64_t k = 0; k < cl; ++k) {
                const double c = buf[k];
                if (c < kInf) {
                    maxabs = std::max(maxabs, std::fabs(c));
                    if (c < best) {
                        best = c;
                        arg = j0 + k;
                    }
                    col_ok_[j0 + k] = 1;
                } else if (c != c) {
                    nan_seen = true;
                }
            }
        }
        row_arg_[i] = arg;
        row_val_[i] = best;
        if (arg < 0) empty_row = true;
    }
    if (nan_seen || !(maxabs < kInf)) return EmdStatus::invalid_input;
    if (!set_cost_scale(n + m + 1, maxabs)) return EmdStatus::invalid_input;  // Mrank (see header)
    // |r| <= N max|C| and |km| <= Mrank <= 4 N max|C|: the rounding of the
    // reduced cost and of T is below a few ulps of ~10 N max|C|.
    screen_slack_ = 64.0 * std::numeric_limits<double>::epsilon() *
                    static_cast<double>(n + m + 1) * (maxabs + 1e-300) * 10.0;
    if (empty_row) return EmdStatus::infeasible;
    for (int64_t j = 0; j < m; ++j)
        if (!col_ok_[j]) return EmdStatus::infeasible;
    return EmdStatus::optimal;
}

// Every supply x -> R carries a_x, every demand R -> x carries b_x.
inline void NetworkSimplex::init_artificial() { n_art_ = init_artificial_tree(); }

inline void NetworkSimplex::init_row_minimum() {
    const int64_t n = n_, m = m_, R = root_;
    // Bucket the rows by their cheapest column (counting sort, reuses scratch).
    int64_t* start = ends_.data();       // m + 1 entries
    int64_t* order = sv_thread_x_.data();  // n entries
    std::fill(start, start + m + 1, int64_t{0});
    for (int64_t i = 0; i < n; ++i) ++start[row_arg_[i] + 1];
    for (int64_t j = 0; j < m; ++j) start[j + 1] += start[j];
    {
        int64_t* pos = stem_.data();
        std::copy(start, start + m, pos);
        for (int64_t i = 0; i < n; ++i) order[pos[row_arg_[i]]++] = i;
    }
    parent_[R] = -1;
    size_[R] = R + 1;
    up_[R] = 0;
    flow_[R] = 0.0;
    r_[R] = 0.0;
    km_[R] = 0.0;
    int64_t prev = R;
    for (int64_t j = 0; j < m; ++j) {
        const int64_t y = n + j;
        double res = -supply_[y];  // b'_j minus what the rows send
        for (int64_t k = start[j]; k < start[j + 1]; ++k) res -= supply_[order[k]];
        parent_[y] = R;
        size_[y] = 1 + (start[j + 1] - start[j]);
        r_[y] = 0.0;
        mag_[y] = 0.0;
        if (res >= 0.0) {  // R -> y, possibly zero flow (directed away from root)
            up_[y] = 0;
            flow_[y] = res;
            km_[y] = -mrank_;
        } else {  // y -> R, positive flow
            up_[y] = 1;
            flow_[y] = -res;
            km_[y] = mrank_;
        }
        link(prev, y);
        prev = y;
        for (int64_t k = start[j]; k < start[j + 1]; ++k) {
            const int64_t x = order[k];
            parent_[x] = y;
            size_[x] = 1;
            last_[x] = x;
            up_[x] = 1;  // real arc x -> y
            flow_[x] = supply_[x];
            r_[x] = row_val_[x];  // pi_x = C(x, j) + pi_y
            mag_[x] = std::fabs(r_[x]);
            km_[x] = km_[y];
            link(prev, x);
            prev = x;
        }
        last_[y] = prev;
    }
    link(prev, R);
    last_[R] = prev;
    n_art_ = m;
}

}  // namespace pydiv
