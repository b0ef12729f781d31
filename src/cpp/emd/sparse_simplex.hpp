// Exact uncapacitated minimum-cost flow on a sparse directed graph given as
// arc lists: primal network simplex.  Plain C++17, header only, no Python,
// no I/O.  The grid EMD (grid/grid_emd.hpp) solves its grid graphs with it.
//
// Problem.  Nodes 0..N-1 with supplies s (> 0 sends, < 0 receives, 0 transit;
// sum s ~ 0), arcs e: tail[e] -> head[e] with finite cost[e] and no capacity;
// find a flow x >= 0 conserving s at every node that minimises
// sum cost[e] x[e].  Dual: potentials pi with pi_tail - pi_head <= cost on
// every arc, maximising sum s pi.
//
// API
//   pydiv::SparseSimplex ns;                        // workspace, one per thread
//   EmdSolution s = ns.solve(supply, N, tail, head, cost, E, total, max_iter, stop);
//   total         the mass of the problem (e.g. sum a of a transport), the
//                 scale of the balance and feasibility tolerances; <= 0:
//                 the sum of the positive supplies.  Supplies a - b that
//                 cancel to ~0 must not make the rounding of a and b look
//                 like unroutable mass.
//   ns.potential()    pi (N): a certificate when optimal
//   ns.arc_flow(ids, flows)   basic arcs carrying positive flow
//
// Statuses (as for the bipartite solver, network_simplex.hpp):
//   optimal           cost[e] - pi_tail + pi_head >= -tol_e on EVERY arc,
//                     tol_e = kEmdPriceRelTol (|cost[e]| + |pi_tail| + |pi_head|)
//                     (a full pricing pass over potentials recomputed exactly
//                     from the tree proves it), == 0 on arcs carrying flow,
//                     sum s pi == cost;
//   max_iter_reached, interrupted: the current basic flow, not optimal;
//   infeasible        supplies do not balance (kEmdMassRelTol of total), or
//                     the graph cannot route them (artificial flow above
//                     kEmdFeasUlps ulps of N * total remains);
//   invalid_input     NaN / infinite supply, NaN / infinite cost, a tail or
//                     head out of range, or costs so large that
//                     N * max|cost| overflows; or a negative-cost cycle
//                     (the flow would be unbounded).  A cycle that prices
//                     negative only through the rounding of incrementally
//                     updated potentials is not one: the potentials are
//                     recomputed exactly (at the path scale) and the search
//                     goes on; only exact potentials can prove one.
//
// Algorithm.  The spanning-tree basis of spanning_tree.hpp (strongly feasible
// trees, Cunningham's leaving-arc rule, so degenerate pivots - the rule on a
// grid, where most arcs cost the same - cannot cycle) rooted at an extra node
// R, started from artificial arcs node <-> R whose big M is symbolic (km
// parts, as in the bipartite solver: no precision is lost to a finite M, and
// artificial flow left at the optimum proves infeasibility).  Pricing: block
// search over the arc list in cyclic order (Grigoriadis 1986), blocks of
// kSparseBlockFactor sqrt(E) arcs, the most negative score of the first block
// with one enters.  Optimality is declared only by a full pass over exact
// potentials, as in the bipartite solver (kEmdTightRecomputes).
// Reference: Ahuja, Magnanti and Orlin, "Network Flows" (1993), ch. 11.
// Own implementation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "emd/emd_status.hpp"
#include "emd/spanning_tree.hpp"

namespace pydiv {

// Block of the pricing = kSparseBlockFactor * sqrt(E) arcs, at least
// kEmdMinBlock (measured on grid graphs: see grid/grid_emd.hpp).
constexpr double kSparseBlockFactor = 1.0;

// Nodes are renumbered in the tree's preorder every kSparseRelabelFactor * N
// pivots (at least kSparseRelabelMin), see sparse_relabel.hpp.
constexpr double kSparseRelabelFactor = 0.25;
constexpr int64_t kSparseRelabelMin = 256;

class SparseSimplex : private SpanningTree {
public:
    void set_block_factor(double f) { block_factor_ = f; }
    // Relabel every f * N pivots (sparse_relabel.hpp); f <= 0: never, and the
    // caller's arc arrays are used without a copy.
    void set_relabel_factor(double f) { relabel_factor_ = f; }

    template <class Stop>
    EmdSolution solve(const double* supply, int64_t nodes, const int32_t* tail, const int32_t* head,
                      const double* cost, int64_t arcs, double total, int64_t max_iter, Stop&& should_stop);

    // Potentials (N) of the last solve; NaN unless it was optimal.
    const std::vector<double>& potential() const { return pi_; }
    // Basic arcs with positive flow (the flow is 0 on every other arc).
    void arc_flow(std::vector<int64_t>& ids, std::vector<double>& flows) const {
        ids.clear();
        flows.clear();
        if (!have_basis_) return;
        for (int64_t x = 0; x < root_; ++x)
            if (arc_[x] >= 0 && flow_[x] > 0.0) {
                ids.push_back(relabelling_ ? arc_orig_[arc_[x]] : arc_[x]);
                flows.push_back(flow_[x]);
            }
    }

private:
    int64_t N_ = 0, E_ = 0;
    // The arcs, copied: relabel() renumbers their ends and reorders them.
    std::vector<int32_t> tail_v_, head_v_;
    std::vector<double> cost_v_;
    std::vector<int64_t> arc_orig_;   // current arc index -> the caller's arc id
    std::vector<int64_t> node_orig_;  // current node label -> the caller's node
    const int32_t* tail_ = nullptr;
    const int32_t* head_ = nullptr;
    const double* cost_ = nullptr;
    // relabel() scratch.
    std::vector<int64_t> new_of_, labels_, tmp_i_;
    std::vector<double> tmp_d_;
    std::vector<unsigned char> tmp_u_;
    std::vector<int32_t> tmp_t_, tmp_h_;
    std::vector<int64_t> tmp_a_;
    double total_ = 0.0;
    int64_t n_art_ = 0, block_ = 1, cursor_ = 0, relabel_every_ = 1;
    double block_factor_ = kSparseBlockFactor;
    double relabel_factor_ = kSparseRelabelFactor;  // <= 0: never relabel
    bool relabelling_ = false;
    bool have_basis_ = false;
    std::vector<double> pi_;

    EmdStatus check_input(const double* supply, double total);
    void copy_arcs();
    void relabel();
    template <bool kSingleComponent>
    int64_t find_entering();
    bool pivot(int64_t e);
    void recompute_potentials(bool path_scale);
    EmdStatus finish(EmdStatus st, double& total_cost);
    double smallest_mstar() const;
};

template <class Stop>
EmdSolution SparseSimplex::solve(const double* supply, int64_t nodes, const int32_t* tail,
                                 const int32_t* head, const double* cost, int64_t arcs, double total,
                                 int64_t max_iter, Stop&& should_stop) {
    EmdSolution sol{kNaN, EmdStatus::invalid_input, 0};
    have_basis_ = false;
    N_ = nodes < 0 ? 0 : nodes;
    E_ = arcs < 0 ? 0 : arcs;
    tail_ = tail;  // checked first, then copied
    head_ = head;
    cost_ = cost;
    pi_.assign(static_cast<size_t>(N_), kNaN);
    if (nodes < 0 || arcs < 0) return sol;
    const EmdStatus st0 = check_input(supply, total);
    if (st0 != EmdStatus::optimal) {
        sol.status = st0;
        sol.cost = st0 == EmdStatus::infeasible ? kInf : kNaN;
        return sol;
    }
    if (N_ == 0) {  // nothing to route
        sol.status = EmdStatus::optimal;
        sol.cost = 0.0;
        return sol;
    }
    root_ = N_;
    track_mag_ = false;
    allocate_tree(N_ + 1, true);
    supply_.assign(supply, supply + N_);
    relabelling_ = relabel_factor_ > 0;
    if (relabelling_) copy_arcs();  // else the caller's arcs are used as they are
    n_art_ = init_artificial_tree();
    have_basis_ = true;
    block_ = std::min<int64_t>(E_, std::max<int64_t>(kEmdMinBlock, std::llround(block_factor_ * std::sqrt(double(E_)))));
    relabel_every_ = std::max<int64_t>(kSparseRelabelMin, std::llround(relabel_factor_ * double(N_)));
    cursor_ = 0;

    EmdStatus st = EmdStatus::optimal;
    bool dirty = false;
    int64_t recomputes = 0, n_iter = 0;
    for (;;) {
        if (max_iter > 0 && n_iter >= max_iter) {
            st = EmdStatus::max_iter_reached;
            break;
        }
        if (n_iter > 0 && n_iter % kEmdStopCheckInterval == 0 && should_stop()) {
            st = EmdStatus::interrupted;
            break;
        }
        const int64_t e = n_art_ == 1 ? find_entering<true>() : find_entering<false>();
        if (e < 0) {
            if (dirty) {  // only exact potentials certify optimality
                recompute_potentials(++recomputes > kEmdTightRecomputes);
                dirty = false;
                continue;
            }
            break;
        }
        if (!pivot(e)) {  // no arc blocks the cycle: a negative-cost cycle, or rounding noise
            if (dirty || recomputes <= kEmdTightRecomputes) {
                recomputes = std::max(recomputes, kEmdTightRecomputes) + 1;  // the path scale from now on
                recompute_potentials(true);
                dirty = false;
                continue;
            }
            st = EmdStatus::invalid_input;
            break;
        }
        dirty = true;
        ++n_iter;
        if (relabelling_ && n_iter % relabel_every_ == 0) relabel();
    }
    double total_cost = kNaN;
    sol.status = finish(st, total_cost);
    sol.cost = total_cost;
    sol.n_iter = n_iter;
    return sol;
}

// Supplies finite and balanced, arcs in range with finite costs; sets
// total_, maxabs_ and mrank_ (a power of two >= 2 (N + 1) max|cost|, so the
// sign of real + dk * Mrank is the lexicographic sign of a reduced cost).
inline EmdStatus SparseSimplex::check_input(const double* supply, double total) {
    double pos = 0.0, neg = 0.0;
    for (int64_t x = 0; x < N_; ++x) {
        const double s = supply[x];
        if (!std::isfinite(s)) return EmdStatus::invalid_input;
        (s > 0 ? pos : neg) += std::fabs(s);
    }
    double maxabs = 0.0;
    for (int64_t e = 0; e < E_; ++e) {
        if (tail_[e] < 0 || tail_[e] >= N_ || head_[e] < 0 || head_[e] >= N_) return EmdStatus::invalid_input;
        const double c = cost_[e];
        if (!std::isfinite(c)) return EmdStatus::invalid_input;
        maxabs = std::max(maxabs, std::fabs(c));
    }
    if (!set_cost_scale(N_ + 1, maxabs)) return EmdStatus::invalid_input;
    total_ = total > 0 ? std::max(total, std::max(pos, neg)) : std::max(pos, neg);
    if (std::fabs(pos - neg) > kEmdMassRelTol * total_) return EmdStatus::infeasible;
    return EmdStatus::optimal;
}

// Step 1: block search from the cursor; returns the entering arc, or -1
// after a full cycle over the arcs found none.  The score of an arc is its
// reduced cost plus its tolerance (kEmdPriceRelTol); with a single component
// (n_art == 1) every M part is equal and is skipped.
template <bool kSingleComponent>
int64_t SparseSimplex::find_entering() {
    const int32_t* tl = tail_;
    const int32_t* hd = head_;
    const double* cs = cost_;
    const double* pr = r_.data();
    const double* pk = km_.data();
    const double* pm = mag_.data();
    const int64_t E = E_, B = block_;
    int64_t best_e = -1, count = 0;
    double best = 0.0;
    int64_t e = cursor_;
    for (int64_t seen = 0; seen < E; ++seen) {
        const int64_t t = tl[e], h = hd[e];
        const double c = cs[e];
        double rc = (c - pr[t]) + pr[h];
        if constexpr (!kSingleComponent) rc += pk[h] - pk[t];
        // score = rc + tolerance >= rc, so only an rc below the best can win:
        // most arcs are rejected before their error scales are read.
        if (rc < best) {
            const double size = (std::fabs(c) + std::max(pm[t], std::fabs(pr[t]))) + std::max(pm[h], std::fabs(pr[h]));
            const double score = rc + kEmdPriceRelTol * size;
            if (score < best) {
                best = score;
                best_e = e;
            }
        }
        if (++e == E) e = 0;
        if (++count == B) {
            if (best_e >= 0) break;
            count = 0;
        }
    }
    cursor_ = e;
    return best_e;
}

// Steps 2-6 for the entering arc e (tail i -> head j); false if no arc
// blocks the cycle.
inline bool SparseSimplex::pivot(int64_t e) {
    const int64_t i = tail_[e], j = head_[e];
    return pivot_cycle(i, j, (cost_[e] - r_[i]) + r_[j], km_[j] - km_[i], e, n_art_);
}

inline void SparseSimplex::recompute_potentials(bool path_scale) {
    const double* cost = cost_;
    const int64_t* arc = arc_.data();
    recompute_tree_potentials([cost, arc](int64_t x, int64_t) { return cost[arc[x]]; }, path_scale);
}

// Exact flows and potentials; artificial flow above rounding makes an
// `optimal` end infeasible; the cost sums the real basic arcs (Neumaier);
// potentials are given only when optimal, with the M parts of a forest of
// components joined by the smallest M* >= 0 keeping every arc feasible.
inline EmdStatus SparseSimplex::finish(EmdStatus st, double& total_cost) {
    total_cost = kNaN;
    if (!have_basis_ || st == EmdStatus::invalid_input) return st;
    recompute_flows();
    recompute_potentials(true);
    const int64_t R = root_;
    const double tol = kEmdFeasUlps * std::numeric_limits<double>::epsilon() * static_cast<double>(N_) * total_;
    bool art = false;
    for (int64_t x = 0; x < R; ++x)
        if (arc_[x] < 0 && flow_[x] > tol) art = true;
    if (st == EmdStatus::optimal && art) st = EmdStatus::infeasible;
    double sum = 0.0, comp = 0.0;
    for (int64_t x = 0; x < R; ++x) {
        if (arc_[x] < 0 || !(flow_[x] > 0.0)) continue;
        const double term = flow_[x] * cost_[arc_[x]];
        const double t = sum + term;
        comp += std::fabs(sum) >= std::fabs(term) ? (sum - t) + term : (term - t) + sum;
        sum = t;
    }
    total_cost = st == EmdStatus::infeasible ? kInf : std::isfinite(sum) ? sum + comp : sum;  // inf - inf is no cost
    if (st != EmdStatus::optimal) return st;
    const double mstar = n_art_ > 1 ? smallest_mstar() : 0.0;
    for (int64_t x = 0; x < R; ++x) pi_[relabelling_ ? node_orig_[x] : x] = r_[x] + (km_[x] / mrank_) * mstar;
    return st;
}

// The smallest M* >= 0 with cost - r_t + r_h + (dk / Mrank) M* >= 0 on every
// arc whose ends lie in components of different M parts (dk != 0).  At the
// optimum no arc has dk < 0 (its lexicographic reduced cost would be
// negative and it would have entered), so each arc with dk > 0 gives a
// lower bound and the largest of them is feasible for all.
inline double SparseSimplex::smallest_mstar() const {
    double mstar = 0.0;
    for (int64_t e = 0; e < E_; ++e) {
        const int64_t t = tail_[e], h = head_[e];
        const double dk = (km_[h] - km_[t]) / mrank_;
        if (dk > 0) mstar = std::max(mstar, -((cost_[e] - r_[t]) + r_[h]) / dk);
    }
    return mstar;
}

}  // namespace pydiv

#include "emd/sparse_relabel.hpp"
