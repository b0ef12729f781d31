// The spanning-tree basis shared by pydiv's primal network simplex solvers
// (the bipartite EMD solver, network_simplex.hpp, and the sparse min-cost
// flow solver, sparse_simplex.hpp): the tree arrays, steps 2 to 6 of a pivot
// (apex of the cycle, leaving arc, flow change, tree and potential update)
// and the exact flow recomputation.  Plain C++17, no Python.
//
// Invariants of the tree arrays (N nodes, root R = N - 1):
//   parent[x]  parent of x in the tree; parent[R] = -1.  parent[x] == R iff the
//              tree arc of x is artificial (only the root has artificial arcs).
//   up[x]      1 if the tree arc of x is directed x -> parent[x], 0 if
//              parent[x] -> x.
//   flow[x]    flow on the tree arc of x, >= 0 (non-tree arcs carry 0).
//   arc[x]     (solvers with stored arcs only; empty otherwise) the id of the
//              tree arc of x, -1 for an artificial arc.
//   thread[x]  successor of x in a preorder (DFS) of the tree; cyclic:
//              thread[last node] = R.  rev[x] is the inverse (thread[rev[x]]
//              == x).
//   size[x]    number of nodes in the subtree of x (size[R] = N).
//   last[x]    last node of the subtree of x in preorder: the subtree of x is
//              the contiguous thread run x, thread[x], ..., last[x] of
//              size[x] nodes.
//   r[x], km[x] potential pi_x = r[x] + (km[x] / Mrank) * M, with the big M of
//              the artificial arcs kept symbolic (km holds multiples of the
//              power of two Mrank, so its sums are exact), and
//              cost(arc) - pi_tail + pi_head == 0 on every tree arc.  Only
//              differences matter, so a pivot shifts whichever side of the
//              tree is smaller; hence pi = canonical + g (a global offset kept
//              in r[R], km[R], renormalised to 0 when |r[R]| grows).
//   mag[x]     >= |r[x]|: the error scale of r[x] (the largest |potential|
//              on the tree path that made it; see kEmdPriceRelTol).
//   Strong feasibility: every tree arc with zero flow is directed away from
//              the root (up[x] == 0).  The leaving-arc rule (Cunningham; AMO
//              11.5: on the pivot cycle oriented like the entering arc and
//              walked from the apex, take the LAST blocking arc) preserves it,
//              which rules out cycling on degenerate problems.
//
// Each step keeps those invariants: find_join uses that a proper ancestor
// has a strictly larger subtree; find_leaving applies the strongly feasible
// rule; update_tree moves the subtree T_q with its thread run, sizes and
// last[] in O(k + depth) and shifts the potentials of the smaller side only
// (the size/last/thread representation follows Kelly and O'Neill 1991; the
// splice is our own).  Every array is sized once per solve (allocate_tree),
// so nothing allocates while pivoting.  Reference: Ahuja, Magnanti and Orlin,
// "Network Flows" (1993), ch. 11.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace pydiv {

class SpanningTree {
protected:
    static constexpr double kInf = std::numeric_limits<double>::infinity();
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    static constexpr double kOffsetLimit = 16.0;  // renormalise when |r[R]| > this * max|C|

    int64_t root_ = 0;       // R = N - 1
    double maxabs_ = 0.0;    // max |C| over finite costs
    double mrank_ = 1.0;     // value standing for "M" in the pricing (power of two)
    std::vector<double> supply_;  // node supply (> 0 sends, < 0 receives); R excluded
    std::vector<int64_t> parent_, size_, last_, thread_, rev_, arc_;
    std::vector<unsigned char> up_;
    std::vector<double> flow_, r_, km_, mag_;
    // Whether shifts raise mag[x] to |r[x]| (the bipartite solver's pricing
    // reads mag alone); the sparse solver prices with max(mag, |r|) instead,
    // which keeps the shift, the hot loop of a pivot on a grid, to one add.
    bool track_mag_ = true;
    // Pivot scratch.
    std::vector<int64_t> stem_, ends_, sv_thread_x_, sv_rev_x_, sv_thread_e_;
    std::vector<double> acc_;

    void link(int64_t a, int64_t b) {
        thread_[a] = b;
        rev_[b] = a;
    }

    // Every tree array and pivot scratch at its size for NN nodes (root
    // included); arc[] too when with_arcs.
    void allocate_tree(int64_t nodes, bool with_arcs) {
        const size_t NN = static_cast<size_t>(nodes);
        for (auto* v : {&parent_, &size_, &last_, &thread_, &rev_}) v->resize(NN);
        if (with_arcs)
            arc_.resize(NN);
        else
            arc_.clear();
        up_.resize(NN);
        for (auto* v : {&flow_, &r_, &mag_, &km_, &acc_}) v->resize(NN);
        for (auto* v : {&stem_, &ends_, &sv_thread_x_, &sv_rev_x_, &sv_thread_e_}) v->resize(NN + 1);
    }

    // Every node hangs from R by its artificial arc, directed so that its
    // flow |supply| is >= 0 and, when 0, away from the root (strongly
    // feasible); potentials +M / -M.  Returns the number of artificial arcs.
    int64_t init_artificial_tree();
    // Mrank and maxabs for N nodes (root included) and finite costs up to
    // maxabs: the power of two >= 2 N maxabs, so that real + dk * Mrank has
    // the lexicographic sign of a reduced cost (|real parts| <= (N - 1)
    // maxabs).  False when that scale leaves the float range.
    bool set_cost_scale(int64_t nodes, double maxabs) {
        const double target = 2.0 * static_cast<double>(nodes) * maxabs;
        if (!(target < 1e300)) return false;
        mrank_ = 1.0;
        if (target > 1.0) {
            int e = 0;
            std::frexp(target, &e);
            mrank_ = std::ldexp(1.0, e);
        }
        maxabs_ = maxabs;
        return true;
    }
    // Steps 2-6 of a pivot on the entering arc i -> j (id `arc`, reduced cost
    // rc_r + rc_k): false if no arc blocks the cycle (unbounded).
    bool pivot_cycle(int64_t i, int64_t j, double rc_r, double rc_k, int64_t arc, int64_t& n_art);
    // Exact potentials from the tree in preorder (cost - pi_tail + pi_head
    // == 0 on every tree arc); cost_of(x) is the cost of x's real tree arc.
    // mag as the path maximum when path_scale, else |r|.
    template <class CostOf>
    void recompute_tree_potentials(CostOf&& cost_of, bool path_scale);
    int64_t find_join(int64_t x, int64_t y) const;
    bool find_leaving(int64_t in_i, int64_t in_j, int64_t join, int64_t& q, bool& q_on_i_side,
                      double& delta) const;
    void change_flow(int64_t in_i, int64_t in_j, int64_t join, double delta);
    void update_tree(int64_t s, int64_t t, int64_t q, int64_t join, double delta, double shift_r,
                     double shift_k, bool s_up, int64_t in_arc);
    int64_t collect_stem(int64_t s, int64_t q);
    int64_t rethread_subtree(int64_t t, int64_t q, int64_t join, int64_t k, int64_t& after_t);
    void reverse_stem(int64_t s, int64_t t, int64_t k, int64_t sq, int64_t tail, double delta, bool s_up,
                      int64_t in_arc);
    void shift_potentials(int64_t s, int64_t after_t, int64_t sq, double shift_r, double shift_k);
    void renormalise_offset();
    void recompute_flows();
};

inline int64_t SpanningTree::init_artificial_tree() {
    const int64_t R = root_;
    for (int64_t x = 0; x < R; ++x) {  // preorder R, 0, 1, ..., R - 1 (R >= 1)
        parent_[x] = R;
        size_[x] = 1;
        last_[x] = x;
        thread_[x] = x + 1;
        rev_[x] = x - 1;
        r_[x] = 0.0;
        mag_[x] = 0.0;
        up_[x] = static_cast<unsigned char>(supply_[x] > 0.0);
        flow_[x] = std::fabs(supply_[x]);
        km_[x] = up_[x] ? mrank_ : -mrank_;
    }
    thread_[R - 1] = R;
    rev_[0] = R;
    thread_[R] = 0;
    rev_[R] = R - 1;
    parent_[R] = -1;
    size_[R] = R + 1;
    last_[R] = R - 1;
    up_[R] = 0;
    flow_[R] = r_[R] = km_[R] = mag_[R] = 0.0;
    if (!arc_.empty()) std::fill(arc_.begin(), arc_.end(), int64_t{-1});
    return R;
}

inline bool SpanningTree::pivot_cycle(int64_t i, int64_t j, double rc_r, double rc_k, int64_t arc,
                                      int64_t& n_art) {
    // Step 2: apex of the cycle.
    const int64_t join = find_join(i, j);
    // Step 3: leaving arc (child node q) and step length.
    int64_t q;
    bool q_on_i_side;
    double delta;
    if (!find_leaving(i, j, join, q, q_on_i_side, delta)) return false;
    // Step 4: flow change around the cycle.
    change_flow(i, j, join, delta);
    // Steps 5 + 6: swap the arcs in the tree (the subtree of q moves below
    // the other end of the entering arc, which then points s -> t iff s is
    // its tail), then shift the potentials of the smaller side so that
    // rc(in) becomes 0.
    if (parent_[q] == root_) --n_art;
    const int64_t s = q_on_i_side ? i : j;
    const int64_t t = q_on_i_side ? j : i;
    const double sign = q_on_i_side ? 1.0 : -1.0;
    update_tree(s, t, q, join, delta, sign * rc_r, sign * rc_k, q_on_i_side, arc);
    return true;
}

template <class CostOf>
void SpanningTree::recompute_tree_potentials(CostOf&& cost_of, bool path_scale) {
    const int64_t R = root_;
    r_[R] = km_[R] = mag_[R] = 0.0;
    for (int64_t x = thread_[R]; x != R; x = thread_[x]) {
        const int64_t p = parent_[x];
        if (p == R) {
            r_[x] = 0.0;
            km_[x] = up_[x] ? mrank_ : -mrank_;
        } else {
            const double c = cost_of(x, p);
            r_[x] = up_[x] ? c + r_[p] : r_[p] - c;
            km_[x] = km_[p];
        }
        mag_[x] = path_scale ? std::max(mag_[p], std::fabs(r_[x])) : std::fabs(r_[x]);  // mag_[R] == 0
    }
}

// Step 2: join node (apex of the pivot cycle) = lowest common ancestor.  A
// proper ancestor has a strictly larger subtree, so the node with the smaller
// subtree (either one on a tie) is not the ancestor: move it up.
inline int64_t SpanningTree::find_join(int64_t x, int64_t y) const {
    const int64_t* par = parent_.data();
    const int64_t* sz = size_.data();
    while (x != y) {
        if (sz[x] < sz[y])
            x = par[x];
        else
            y = par[y];
    }
    return x;
}

// Step 3: leaving arc.  The cycle is oriented like the entering arc in_i ->
// in_j and walked from the apex: join ~> in_i (down), in_i -> in_j, in_j ~>
// join (up).  Blocking arcs are those traversed against their direction
// (i side: up arcs; j side: down arcs).  Strongly feasible rule: the LAST
// blocking arc of that walk, i.e. on the j side the one nearest the apex
// (<= while climbing), else on the i side the one nearest in_i (< while
// climbing).  q is the child node of the leaving arc.
inline bool SpanningTree::find_leaving(int64_t in_i, int64_t in_j, int64_t join, int64_t& q,
                                       bool& q_on_i_side, double& delta) const {
    const int64_t* par = parent_.data();
    const unsigned char* up = up_.data();
    const double* fl = flow_.data();
    delta = kInf;
    q = -1;
    q_on_i_side = true;
    for (int64_t x = in_i; x != join; x = par[x]) {
        if (up[x] && fl[x] < delta) {
            delta = fl[x];
            q = x;
        }
    }
    for (int64_t y = in_j; y != join; y = par[y]) {
        if (!up[y] && fl[y] <= delta) {
            delta = fl[y];
            q = y;
            q_on_i_side = false;
        }
    }
    return q >= 0;
}

// Step 4: push delta around the cycle.
inline void SpanningTree::change_flow(int64_t in_i, int64_t in_j, int64_t join, double delta) {
    if (delta == 0.0) return;
    const int64_t* par = parent_.data();
    const unsigned char* up = up_.data();
    double* fl = flow_.data();
    for (int64_t x = in_i; x != join; x = par[x]) fl[x] += up[x] ? -delta : delta;
    for (int64_t y = in_j; y != join; y = par[y]) fl[y] += up[y] ? delta : -delta;
}

// Exact basic flows from the supplies: leaves first (reverse preorder), the
// arc of x carries the net supply of the subtree of x.
inline void SpanningTree::recompute_flows() {
    const int64_t R = root_;
    double* sub = acc_.data();
    std::copy(supply_.begin(), supply_.end(), sub);
    for (int64_t x = rev_[R]; x != R; x = rev_[x]) {
        const int64_t p = parent_[x];
        flow_[x] = up_[x] ? sub[x] : -sub[x];
        if (p != R) sub[p] += sub[x];
    }
}

}  // namespace pydiv

#include "emd/spanning_tree_update.hpp"
