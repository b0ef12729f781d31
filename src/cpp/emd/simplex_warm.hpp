// Warm start of the exact EMD solver: the first basis built from the basic
// arcs of an earlier plan (of a problem of the same size, e.g. the previous
// step of a slowly moving problem).  Plain C++17, no Python; part of
// network_simplex.hpp.
//
// The arcs (original indices) are mapped to the kept rows and columns;
// arcs at a removed (zero-mass) row or column, forbidden arcs (+inf) and
// arcs that would close a cycle are dropped, so the rest is a forest (the
// plan keeps only the arcs with mass: its degenerate basic arcs are gone);
// given the earlier potentials, its trees are joined into one (join_trees).
// Given the earlier basis itself (NetworkSimplex::basis: every tree arc,
// degenerate ones too, and the nodes hung from the root), the trees are
// grown from those nodes and the earlier tree comes back whole.
// Each tree of the forest hangs from the root R by an artificial arc; flows are
// the exact leaves-up flows of the new supplies, and potentials are exact
// for the tree.  The start is used only if it is a feasible basis: every real
// arc carries a flow >= 0 (a few ulps below 0 count as 0: the earlier
// degenerate arcs), and every zero-flow arc the join added points away from
// the root (the artificial arc of a tree takes the direction of its net
// supply, away from R when it is 0).  Otherwise init_warm returns false and
// the solve starts cold.  From there the pivot loop and its certificate are
// those of any start: the optimum found is optimal for the new problem.
// A degenerate earlier arc may point up with zero flow (the solver's own
// bases show such arcs after degenerate pivots), so the start need not be
// strongly feasible: the caller bounds the pivots of a warm solve and
// solves cold past that bound (register_emd.cpp), so a solve always ends.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "emd/simplex_solver.hpp"

namespace pydiv {

namespace ns_detail {
// Union-find root with path halving.
inline int64_t find_set(std::vector<int64_t>& up, int64_t x) {
    while (up[x] != x) {
        up[x] = up[up[x]];
        x = up[x];
    }
    return x;
}
// Kept index of original index `orig` in the sorted list `kept`, or -1.
inline int64_t kept_index(const std::vector<int64_t>& kept, int64_t orig) {
    const auto it = std::lower_bound(kept.begin(), kept.end(), orig);
    return it != kept.end() && *it == orig ? static_cast<int64_t>(it - kept.begin()) : -1;
}
}  // namespace ns_detail

// The trees of the earlier plan joined into one where the new weights allow:
// the largest tree is the hub; every other tree c, of net supply s_c, hangs
// from it by one real arc: from a hub supply to a demand of c when s_c <= 0
// (the arc carries -s_c, zero flow pointing away from the root), from a
// supply of c to a hub demand when s_c > 0 (it carries s_c).  Of those arcs
// the one of least reduced cost under the earlier potentials is taken, so
// that the potentials of the joined tree are near the earlier ones and few
// pivots remain.  `start` becomes a node of the hub (the DFS root).
template <class C>
void NetworkSimplex::join_trees(C& cost, std::vector<int64_t>& set, std::vector<int64_t>& head,
                                std::vector<int64_t>& next, std::vector<int64_t>& other, int64_t& start) {
    const int64_t n = n_, m = m_, R = root_;
    std::vector<int64_t> comp(static_cast<size_t>(R)), count(static_cast<size_t>(R), 0);
    std::vector<double> net(static_cast<size_t>(R), 0.0), u(static_cast<size_t>(n)), v(static_cast<size_t>(m));
    int64_t hub = 0;
    for (int64_t x = 0; x < R; ++x) {
        comp[x] = ns_detail::find_set(set, x);
        net[comp[x]] += supply_[x];
        if (++count[comp[x]] > count[hub]) hub = comp[x];
    }
    start = hub;
    for (int64_t i = 0; i < n; ++i) u[i] = warm_u_[rows_[i]];
    for (int64_t j = 0; j < m; ++j) v[j] = warm_v_[cols_[j]];
    // Best joining arc of each tree: (rc, supply, demand).
    std::vector<double> best(static_cast<size_t>(R), kInf);
    std::vector<int64_t> bi(static_cast<size_t>(R), -1), bj(static_cast<size_t>(R), -1);
    for (int64_t i = 0; i < n; ++i) {
        const bool from_hub = comp[i] == hub;
        if (!from_hub && !(net[comp[i]] > 0.0)) continue;
        for (int64_t j = 0; j < m; ++j) {
            const int64_t cj = comp[n + j];
            // A hub supply feeds trees of net demand; a surplus tree feeds the hub.
            const int64_t c = from_hub ? cj : comp[i];
            if (from_hub ? (cj == hub || net[cj] > 0.0) : cj != hub) continue;
            const double rc = cost(i, j) - u[i] - v[j];
            if (rc < best[c]) {
                best[c] = rc;
                bi[c] = i;
                bj[c] = j;
            }
        }
    }
    for (int64_t c = 0; c < R; ++c) {
        if (bi[c] < 0) continue;  // no admissible arc: the tree keeps its own artificial arc
        for (const auto& [x, y] : {std::pair<int64_t, int64_t>{bi[c], n + bj[c]}, {n + bj[c], bi[c]}}) {
            other.push_back(y);
            next.push_back(head[x]);
            head[x] = static_cast<int64_t>(other.size()) - 1;
        }
    }
}

template <class C>
bool NetworkSimplex::init_warm(C& cost) {
    const int64_t n = n_, R = root_;
    // The forest's adjacency (each arc both ways) after dropping cycles.
    std::vector<int64_t> set(static_cast<size_t>(R)), head(static_cast<size_t>(R), -1);
    std::vector<int64_t> next, other;
    std::iota(set.begin(), set.end(), int64_t{0});
    next.reserve(static_cast<size_t>(2 * warm_count_));
    other.reserve(static_cast<size_t>(2 * warm_count_));
    for (int64_t e = 0; e < warm_count_; ++e) {
        const int64_t i = ns_detail::kept_index(rows_, warm_rows_[e]);
        const int64_t j = ns_detail::kept_index(cols_, warm_cols_[e]);
        if (i < 0 || j < 0 || !(cost(i, j) < kInf)) continue;
        const int64_t si = ns_detail::find_set(set, i), sj = ns_detail::find_set(set, n + j);
        if (si == sj) continue;  // would close a cycle
        set[si] = sj;
        for (const auto& [x, y] : {std::pair<int64_t, int64_t>{i, n + j}, {n + j, i}}) {
            other.push_back(y);
            next.push_back(head[x]);
            head[x] = static_cast<int64_t>(other.size()) - 1;
        }
    }
    const size_t forest_edges = other.size();
    // The leaves-up flows of a degenerate arc (0 in exact arithmetic) come out
    // a few ulps of the total either side of 0, depending on the order of the
    // sums; below this they count as 0 (the scale of the feasibility verdict).
    const double tol = kEmdFeasUlps * std::numeric_limits<double>::epsilon() * static_cast<double>(R) * total_;
    int64_t start = -1;
    if (warm_u_ != nullptr && warm_v_ != nullptr) join_trees(cost, set, head, next, other, start);
    // The earlier roots first: grown from them, the earlier trees take their
    // earlier orientation, so their zero-flow arcs point away from the root again.
    std::vector<int64_t> firsts;
    for (int64_t k = 0; k < warm_root_count_; ++k) {
        const int64_t z = warm_roots_[k];
        const int64_t x = z >= 0 ? ns_detail::kept_index(rows_, z) : ns_detail::kept_index(cols_, -1 - z);
        if (x >= 0) firsts.push_back(z >= 0 ? x : n + x);
    }
    if (start >= 0) firsts.push_back(start);
    const int64_t nfirst = static_cast<int64_t>(firsts.size());
    std::vector<unsigned char> off(other.size(), 0);  // joining arcs given up (see below)
    std::vector<int64_t> order, via(static_cast<size_t>(R), -1);  // via: edge that reached the node
    std::vector<unsigned char> seen(static_cast<size_t>(R));
    for (int round = 0; round < 2; ++round) {
        // Preorder of every tree (iterative DFS), each hung from R, threaded
        // in order; the joined tree first, from its hub.
        order.clear();
        std::fill(seen.begin(), seen.end(), 0);
        int64_t* stack = stem_.data();
        parent_[R] = -1;
        up_[R] = 0;
        flow_[R] = 0.0;
        int64_t trees = 0;
        for (int64_t k = -nfirst; k < R; ++k) {
            const int64_t c = k < 0 ? firsts[static_cast<size_t>(k + nfirst)] : k;
            if (seen[c]) continue;
            ++trees;
            parent_[c] = R;
            up_[c] = 0;
            via[c] = -1;
            seen[c] = 1;
            int64_t top = 0;
            stack[top++] = c;
            while (top > 0) {
                const int64_t x = stack[--top];
                order.push_back(x);
                for (int64_t e = head[x]; e >= 0; e = next[e]) {
                    const int64_t y = other[e];
                    if (seen[y] || off[e]) continue;
                    seen[y] = 1;
                    parent_[y] = x;
                    via[y] = e;
                    up_[y] = y < n ? 1 : 0;  // real arcs point from the supply to the demand
                    stack[top++] = y;
                }
            }
        }
        // Threads, subtree sizes and last nodes from the preorder.
        int64_t prev = R;
        for (const int64_t x : order) {
            link(prev, x);
            prev = x;
            size_[x] = 1;
        }
        link(prev, R);
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const int64_t p = parent_[*it];
            if (p != R) size_[p] += size_[*it];
        }
        for (size_t k = 0; k < order.size(); ++k) last_[order[k]] = order[k + static_cast<size_t>(size_[order[k]]) - 1];
        size_[R] = R + 1;
        last_[R] = prev;
        recompute_flows();
        bool retry = false;
        for (int64_t x = 0; x < R; ++x) {
            if (parent_[x] == R) {
                if (flow_[x] < 0.0) {  // a net supply: the artificial arc points up (x -> R) and carries it
                    up_[x] = 1;
                    flow_[x] = -flow_[x];
                }
            } else if (static_cast<size_t>(via[x]) < forest_edges && flow_[x] >= -tol) {
                // An arc of the earlier basis: a degenerate one comes out off zero
                // by the summation order (counted as 0), and may point up, as
                // it may in the solver's own bases after degenerate pivots.
                if (flow_[x] < 0.0) flow_[x] = 0.0;
            } else if (flow_[x] < 0.0 || (flow_[x] == 0.0 && up_[x])) {
                // A joining arc carries the rounding residual of its tree's net
                // supply, whose sign the join could only estimate: give it up
                // (the tree keeps its artificial arc).  Any other arc: the earlier
                // plan does not fit the new weights.
                const size_t e = static_cast<size_t>(via[x]);
                if (round > 0 || e < forest_edges) return false;
                off[e] = off[e ^ 1] = 1;  // both directions (pairs are pushed together)
                retry = true;
            }
        }
        if (!retry) {
            n_art_ = trees;
            recompute_potentials(cost, false);
            return true;
        }
    }
    return false;
}

}  // namespace pydiv
