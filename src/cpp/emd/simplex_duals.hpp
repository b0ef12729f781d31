// Outputs of the exact EMD solver: the plan, the feasibility verdict, the
// dual potentials in the caller's gauge, and the duals of removed zero-mass
// rows and columns.  Plain C++17, no Python; part of network_simplex.hpp.
//
// Invariants of the outputs (what `optimal` certifies, see
// network_simplex.hpp): flows and potentials are first recomputed exactly
// from the final tree; artificial flow above kEmdFeasUlps ulps of the total
// proves infeasibility (the M part of a feasible optimum is 0); with a forest
// of real components (n_art > 1) the smallest M* >= 0 keeping every real arc
// dual feasible joins their potentials; the gauge sets v = 0 at the first
// column with positive mass, and the duals of that column's component are
// summed outward from it along tree arcs (u_i + v_j = C(i, j) on each).
// Zero-mass fix-ups: removed rows get u_i = min_{j kept} (C(i, j) - v_j),
// then removed columns v_j = min_{all i} (C(i, j) - u_i), which keeps
// u_i + v_j <= C(i, j) for every pair (0 when no arc is finite).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "emd/simplex_solver.hpp"

namespace pydiv {

// Outputs in original indices.  Returns the cost.
template <class C, class Orig>
double NetworkSimplex::finish(EmdStatus& status, C& cost, Orig& orig_cost) {
    const int64_t no = static_cast<int64_t>(u_.size()), mo = static_cast<int64_t>(v_.size());
    if (status == EmdStatus::invalid_input) return kNaN;
    if (status == EmdStatus::infeasible && !have_basis_) return kInf;

    double total_cost = 0.0;
    if (have_basis_) {
        recompute_flows();
        recompute_potentials(cost, true);
        // Feasibility: artificial arcs must be (numerically) empty.
        const bool art_flow = artificial_flow_left();
        if (status == EmdStatus::optimal && art_flow) status = EmdStatus::infeasible;
        total_cost = extract_plan(cost);
        if (status == EmdStatus::infeasible) return kInf;
        const double mstar = status == EmdStatus::optimal && n_art_ > 1 ? smallest_mstar(cost) : 0.0;
        duals_from_potentials(mstar);
        duals_from_first_column(cost);
    }
    // Potentials of removed (zero-mass) rows, then columns.
    if (n_ < no) fill_removed_rows(orig_cost, no);
    if (m_ < mo) fill_removed_cols(orig_cost, no, mo);
    return total_cost;
}

// Whether an artificial tree arc carries more than rounding can leave there.
inline bool NetworkSimplex::artificial_flow_left() const {
    const int64_t R = root_;
    const double tol = kEmdFeasUlps * std::numeric_limits<double>::epsilon() *
                       static_cast<double>(n_ + m_) * total_;
    bool art_flow = false;
    for (int64_t x = thread_[R]; x != R; x = thread_[x])
        if (parent_[x] == R && std::fabs(flow_[x]) > tol) art_flow = true;
    return art_flow;
}

// The plan (real tree arcs with positive flow, in original indices) and its
// cost, summed in node order.
template <class C>
double NetworkSimplex::extract_plan(C& cost) {
    const int64_t n = n_, R = root_;
    double total_cost = 0.0;
    for (int64_t x = 0; x < R; ++x) {
        const int64_t p = parent_[x];
        if (p == R || !(flow_[x] > 0.0)) continue;
        const int64_t i = x < n ? x : p;
        const int64_t j = (x < n ? p : x) - n;
        plan_rows_.push_back(rows_[i]);
        plan_cols_.push_back(cols_[j]);
        plan_mass_.push_back(flow_[x]);
        total_cost += flow_[x] * cost(i, j);
    }
    return total_cost;
}

// M*: with a forest of real components (n_art > 1) the components'
// potentials differ by multiples of M; pick the smallest M* >= 0 that
// keeps every real arc dual feasible.  At optimality only arcs with
// k_i = -1, k_j = +1 constrain it (those with k_i = +1, k_j = -1 would
// have entered the basis).
template <class C>
double NetworkSimplex::smallest_mstar(C& cost) const {
    const int64_t n = n_, m = m_;
    double mstar = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        if (km_[i] > 0.0) continue;
        for (int64_t j = 0; j < m; ++j) {
            if (km_[n + j] < 0.0) continue;
            const double c = cost(i, j);
            if (c < kInf) mstar = std::max(mstar, 0.5 * (r_[i] - r_[n + j] - c));
        }
    }
    return mstar;
}

// u, v of the kept rows and columns from the potentials with M = M*, in the
// gauge v = 0 at the first column with positive mass (kept column 0).
inline void NetworkSimplex::duals_from_potentials(double mstar) {
    const int64_t n = n_, m = m_;
    const double g = -(r_[n] + (km_[n] > 0.0 ? mstar : -mstar));
    for (int64_t i = 0; i < n; ++i)
        u_[rows_[i]] = (r_[i] + (km_[i] > 0.0 ? mstar : -mstar)) + g;
    for (int64_t j = 0; j < m; ++j)
        v_[cols_[j]] = -(r_[n + j] + (km_[n + j] > 0.0 ? mstar : -mstar)) - g;
}

// The duals of the tree component holding kept column 0, summed along tree
// arcs outward from that column (v = 0 there): u_i + v_j = C(i, j) on each
// arc.  Shifting potentials measured from the root into this gauge would
// round every small dual to the size of the largest (a 1e6 potential leaves
// 1e-10 on a dual of 1); walking from the gauge column keeps each dual as
// accurate as the costs on its own path.
template <class C>
void NetworkSimplex::duals_from_first_column(C& cost) {
    const int64_t n = n_, R = root_;
    // Children lists (first child, next sibling) and a queue, in the pivot scratch.
    int64_t* first = stem_.data();
    int64_t* next = ends_.data();
    int64_t* queue = sv_thread_x_.data();
    double* dual = acc_.data();  // u for rows, v for columns, by node
    std::fill(first, first + R, int64_t{-1});
    for (int64_t x = 0; x < R; ++x) {
        const int64_t p = parent_[x];
        if (p == R) continue;
        next[x] = first[p];
        first[p] = x;
    }
    std::vector<unsigned char>& seen = col_ok_;
    seen.assign(static_cast<size_t>(R), 0);
    const int64_t start = n;  // kept column 0
    dual[start] = 0.0;
    seen[start] = 1;
    int64_t head = 0, tail = 0;
    queue[tail++] = start;
    while (head < tail) {
        const int64_t x = queue[head++];
        const auto visit = [&](int64_t y) {
            if (seen[y]) return;
            seen[y] = 1;
            // A tree arc joins a row (node < n) and a column: u_i + v_j = C(i, j).
            dual[y] = (x < n ? cost(x, y - n) : cost(y, x - n)) - dual[x];
            queue[tail++] = y;
        };
        if (parent_[x] != R) visit(parent_[x]);
        for (int64_t c = first[x]; c >= 0; c = next[c]) visit(c);
    }
    for (int64_t k = 0; k < tail; ++k) {
        const int64_t x = queue[k];
        if (x < n)
            u_[rows_[x]] = dual[x];
        else
            v_[cols_[x - n]] = dual[x];
    }
}

// u_i = min over kept columns of C(i, j) - v_j for each removed row i (0 when
// no such arc is finite).
template <class Orig>
void NetworkSimplex::fill_removed_rows(Orig& orig_cost, int64_t no) {
    const int64_t n = n_, m = m_;
    std::vector<unsigned char>& kept = col_ok_;
    kept.assign(static_cast<size_t>(no), 0);
    for (int64_t i = 0; i < n; ++i) kept[rows_[i]] = 1;
    for (int64_t i = 0; i < no; ++i) {
        if (kept[i]) continue;
        double best = kInf;
        for (int64_t j = 0; j < m; ++j) {
            const double c = orig_cost(i, cols_[j]);
            if (c < kInf) best = std::min(best, c - v_[cols_[j]]);
        }
        u_[i] = best < kInf ? best : 0.0;
    }
}

// v_j = min over all rows of C(i, j) - u_i for each removed column j (0 when
// no such arc is finite).
template <class Orig>
void NetworkSimplex::fill_removed_cols(Orig& orig_cost, int64_t no, int64_t mo) {
    const int64_t m = m_;
    std::vector<unsigned char>& kept = col_ok_;
    kept.assign(static_cast<size_t>(mo), 0);
    for (int64_t j = 0; j < m; ++j) kept[cols_[j]] = 1;
    for (int64_t j = 0; j < mo; ++j) {
        if (kept[j]) continue;
        double best = kInf;
        for (int64_t i = 0; i < no; ++i) {
            const double c = orig_cost(i, j);
            if (c < kInf) best = std::min(best, c - u_[i]);
        }
        v_[j] = best < kInf ? best : 0.0;
    }
}

}  // namespace pydiv
