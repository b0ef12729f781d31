// The pivot loop of the exact EMD solver: solve() (weights, zero masses,
// totals, the compacted problem) and run() (allocation, first basis, block
// size, then pivots until no arc prices out).  Plain C++17, no Python; part
// of network_simplex.hpp.
//
// A pivot (primal network simplex; Ahuja, Magnanti and Orlin, "Network
// Flows", 1993, ch. 11): step 1 pricing (simplex_pricing.hpp) picks the
// entering arc; steps 2-6 (spanning_tree.hpp) find the apex and the leaving
// arc, push the flow around the cycle and update the tree and potentials.
//
// Invariants of the loop: the basis is a strongly feasible spanning tree
// whose potentials make every tree arc's reduced cost 0 up to the rounding
// of incremental updates (`dirty`).  Optimality is declared only after a
// full pricing pass over potentials recomputed exactly from the tree finds
// no entering arc; after kEmdTightRecomputes recomputes the tolerance uses
// the path maximum, which bounds the noise and ends the search.
// should_stop() is called every kEmdStopCheckInterval pivots; nothing is
// allocated after allocate_tree().
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "emd/simplex_solver.hpp"

namespace pydiv {

template <class Cost, class Stop>
EmdSolution NetworkSimplex::solve(const double* a, int64_t n, const double* b, int64_t m,
                                  Cost&& cost, int64_t max_iter, Stop&& should_stop) {
    EmdSolution sol{kNaN, EmdStatus::invalid_input, 0};
    warm_used_ = false;
    struct ForgetWarm {  // the warm arcs serve this solve only, however it returns
        NetworkSimplex* ns;
        ~ForgetWarm() { ns->warm_count_ = 0; }
    } forget{this};
    plan_rows_.clear();
    plan_cols_.clear();
    plan_mass_.clear();
    have_basis_ = false;
    if (n < 0 || m < 0) {
        u_.clear();
        v_.clear();
        return sol;
    }
    u_.assign(static_cast<size_t>(n), kNaN);
    v_.assign(static_cast<size_t>(m), kNaN);

    double sa = 0.0, sb = 0.0;
    if (!keep_positive_weights(a, n, b, m, sa, sb)) return sol;
    const bool compact = (n_ != n) || (m_ != m);
    auto& orig = cost;  // keep the caller's type: run() may use its row() fast path

    if (n_ == 0 || m_ == 0) {
        // Nothing to transport: optimal iff both sides are empty.
        n_ = m_ = 0;
        root_ = 0;
        if (sa == 0.0 && sb == 0.0) {
            sol.status = EmdStatus::optimal;
            sol.cost = finish(sol.status, orig, orig);
        } else {
            sol.status = EmdStatus::infeasible;
            sol.cost = kInf;
        }
        return sol;
    }
    if (std::fabs(sa - sb) > kEmdMassRelTol * std::max(sa, sb)) {
        sol.status = EmdStatus::infeasible;
        sol.cost = kInf;
        return sol;
    }
    total_ = sa;
    set_supplies(a, b, sa / sb);  // columns rescaled to the row total

    int64_t n_iter = 0;
    EmdStatus st;
    double c;
    if (!compact) {
        st = run(orig, max_iter, should_stop, n_iter);
        c = finish(st, orig, orig);
    } else {
        const int64_t* rp = rows_.data();
        const int64_t* cp = cols_.data();
        auto mapped = [&cost, rp, cp](int64_t i, int64_t j) -> double { return cost(rp[i], cp[j]); };
        st = run(mapped, max_iter, should_stop, n_iter);
        c = finish(st, mapped, orig);
    }
    sol.status = st;
    sol.cost = c;
    sol.n_iter = n_iter;
    return sol;
}

// Weights: validate, keep the rows and columns with positive mass (rows_,
// cols_, n_, m_), and their totals.  False for a NaN, negative or +inf weight.
inline bool NetworkSimplex::keep_positive_weights(const double* a, int64_t n, const double* b,
                                                  int64_t m, double& sa, double& sb) {
    rows_.clear();
    cols_.clear();
    for (int64_t i = 0; i < n; ++i) {
        const double w = a[i];
        if (!(w >= 0.0) || w == kInf) return false;  // NaN, negative or +inf
        if (w > 0.0) {
            rows_.push_back(i);
            sa += w;
        }
    }
    for (int64_t j = 0; j < m; ++j) {
        const double w = b[j];
        if (!(w >= 0.0) || w == kInf) return false;
        if (w > 0.0) {
            cols_.push_back(j);
            sb += w;
        }
    }
    n_ = static_cast<int64_t>(rows_.size());
    m_ = static_cast<int64_t>(cols_.size());
    return true;
}

// Node supplies: a_i for kept rows, -(b_j * scale) for kept columns.
inline void NetworkSimplex::set_supplies(const double* a, const double* b, double scale) {
    supply_.resize(static_cast<size_t>(n_ + m_));
    for (int64_t i = 0; i < n_; ++i) supply_[i] = a[rows_[i]];
    for (int64_t j = 0; j < m_; ++j) supply_[n_ + j] = -(b[cols_[j]] * scale);
}

template <class C, class Stop>
EmdStatus NetworkSimplex::run(C& cost, int64_t max_iter, Stop& should_stop, int64_t& n_iter) {
    root_ = n_ + m_;
    n_iter = 0;
    EmdStatus st = scan_costs(cost);
    if (st != EmdStatus::optimal) return st;
    allocate_tree(n_ + m_ + 1, false);
    if (warm_count_ > 0 && init_warm(cost))
        warm_used_ = true;
    else if (init_basis_ == EmdInitialBasis::row_minimum)
        init_row_minimum();
    else
        init_artificial();
    have_basis_ = true;
    choose_block_size();

    bool dirty = false;  // potentials updated incrementally since last exact recompute
    int64_t recomputes = 0;
    for (;;) {
        if (max_iter > 0 && n_iter >= max_iter) return EmdStatus::max_iter_reached;
        if (n_iter > 0 && n_iter % kEmdStopCheckInterval == 0 && should_stop())
            return EmdStatus::interrupted;
        // Step 1: entering arc (in_i -> in_j) with the most negative reduced
        // cost of the first block that has one.
        int64_t ei, ej;
        const bool found = (n_art_ == 1) ? find_entering<true>(cost, ei, ej)
                                         : find_entering<false>(cost, ei, ej);
        if (!found) {
            // No arc prices out against the incrementally updated potentials,
            // whose rounding has drifted.  Recompute them exactly from the
            // tree and price every arc again: only a full pass over exact
            // potentials that finds no entering arc is the certificate
            // (rc_ij >= -tol_ij for all i, j) that makes the basis optimal.
            if (dirty) {
                recompute_potentials(cost, ++recomputes > kEmdTightRecomputes);
                dirty = false;
                continue;
            }
            return EmdStatus::optimal;
        }
        if (!pivot(cost, ei, ej)) return EmdStatus::infeasible;  // unbounded: impossible for this graph
        dirty = true;
        ++n_iter;
    }
}

// Block size of the pricing: the user's, or f sqrt(n' m') (f doubled for
// small problems, see kEmdSmallBlockFactor), at least kEmdMinBlock, at most
// every arc.  Resets the pricing cursor.
inline void NetworkSimplex::choose_block_size() {
    const int64_t n = n_, m = m_;
    const double arcs = static_cast<double>(n) * static_cast<double>(m);
    if (user_block_ > 0) {
        block_ = user_block_;
    } else {
        const double f = block_factor_ == kEmdBlockFactor && arcs <= kEmdSmallArcs ? kEmdSmallBlockFactor : block_factor_;
        block_ = static_cast<int64_t>(std::llround(f * std::sqrt(arcs)));
        block_ = std::max(block_, kEmdMinBlock);
    }
    block_ = std::min(block_, n * m);
    cur_i_ = cur_j_ = 0;
}

// Steps 2-6 for the entering arc (ei -> column ej).  False if no arc blocks
// the cycle (unbounded), which cannot happen on this graph.
template <class C>
bool NetworkSimplex::pivot(C& cost, int64_t ei, int64_t ej) {
    const int64_t in_i = ei, in_j = n_ + ej;
    const double rc_r = cost(ei, ej) - r_[in_i] + r_[in_j];
    const double rc_k = km_[in_j] - km_[in_i];
    return pivot_cycle(in_i, in_j, rc_r, rc_k, -1, n_art_);
}

// Exact potentials from the tree (preorder walk): removes drift of the
// incremental updates, and the global offset.  The tree arc of a row x
// joins x -> parent, that of a column parent -> x.
template <class C>
void NetworkSimplex::recompute_potentials(C& cost, bool path_scale) {
    const int64_t n = n_;
    recompute_tree_potentials(
        [&cost, n](int64_t x, int64_t p) { return x < n ? cost(x, p - n) : cost(p, x - n); }, path_scale);
}

}  // namespace pydiv
