// Steps 5 and 6 of a pivot on the spanning-tree basis (part of
// spanning_tree.hpp, whose class and invariants these keep): the leaving
// arc's subtree is re-rooted and moved below the entering arc, with its
// thread run, sizes and last[] spliced in O(k + depth), then the potentials
// of the smaller side are shifted.  Plain C++17, no Python.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "emd/spanning_tree.hpp"

namespace pydiv {

// Steps 5 + 6: tree and potential update.  Remove the tree arc (q, parent[q]);
// the subtree T_q of q (which contains s) is re-rooted at s along the stem
// s = x_0, x_1 = parent(x_0), ..., x_k = q and hung below t by the entering
// arc (s_up: it is directed s -> t; in_arc: its id, for arc[]); then the
// potentials of one side are shifted so that rc(in) == 0.
//
// Preorder of the re-rooted subtree: with B_l the old subtree of x_l (the
// thread run x_l .. e_l, e_l = last[x_l]), the new order is
//   B_0, x_1, (B_1 \ B_0 \ x_1), x_2, (B_2 \ B_1 \ x_2), ..., x_k, (...)
// where each B_l \ B_{l-1} \ x_l is at most two old runs: thread[x_l] ..
// rev[x_{l-1}] and thread[e_{l-1}] .. e_l.  The splice, sizes and last[] are
// O(k + depth); only the potential shift visits a subtree, and it visits the
// smaller of T_q and its complement.
inline void SpanningTree::update_tree(int64_t s, int64_t t, int64_t q, int64_t join, double delta,
                                      double shift_r, double shift_k, bool s_up, int64_t in_arc) {
    const int64_t k = collect_stem(s, q);
    const int64_t sq = size_[q];
    int64_t after_t;  // the node that followed t in the thread before the splice
    const int64_t tail = rethread_subtree(t, q, join, k, after_t);
    reverse_stem(s, t, k, sq, tail, delta, s_up, in_arc);
    shift_potentials(s, after_t, sq, shift_r, shift_k);
}

// The stem s = x_0, ..., x_k = q into stem_, and the old last[] of each stem
// node into ends_.  Returns k.
inline int64_t SpanningTree::collect_stem(int64_t s, int64_t q) {
    int64_t* X = stem_.data();
    int64_t* E = ends_.data();
    const int64_t* par = parent_.data();
    const int64_t* lst = last_.data();
    int64_t k = 0;
    for (int64_t x = s;; x = par[x]) {
        X[k] = x;
        E[k] = lst[x];
        if (x == q) break;
        ++k;
    }
    return k;
}

// Moves T_q (size and last[] of the ancestors included) from below
// parent[q] to below t, in the re-rooted preorder described above.  Sets
// after_t to the old successor of t; returns the last node of the moved run.
inline int64_t SpanningTree::rethread_subtree(int64_t t, int64_t q, int64_t join, int64_t k,
                                                int64_t& after_t) {
    const int64_t* X = stem_.data();
    const int64_t* E = ends_.data();
    const int64_t* par = parent_.data();
    int64_t* sz = size_.data();
    int64_t* lst = last_.data();
    const int64_t* thr = thread_.data();
    const int64_t* rv = rev_.data();
    const int64_t sq = sz[q];

    // Save the old links the splice needs.
    int64_t* TX = sv_thread_x_.data();
    int64_t* RX = sv_rev_x_.data();
    int64_t* TE = sv_thread_e_.data();
    const int64_t before = rv[q];
    const int64_t after = thr[E[k]];
    for (int64_t l = 1; l <= k; ++l) {
        TX[l] = thr[X[l]];
        RX[l] = rv[X[l - 1]];
        TE[l] = thr[E[l - 1]];
    }

    // The old ancestors of q lose T_q (sizes up to the apex; last[] as long
    // as T_q ended their subtree).
    const int64_t pq = par[q];
    for (int64_t y = pq; y != join; y = par[y]) sz[y] -= sq;
    for (int64_t y = pq; y >= 0 && lst[y] == E[k]; y = par[y]) lst[y] = before;

    // Splice: cut T_q out of the thread, rebuild its order, insert after t.
    link(before, after);
    int64_t tail = E[0];
    for (int64_t l = 1; l <= k; ++l) {
        link(tail, X[l]);
        tail = X[l];
        if (TX[l] != X[l - 1]) {
            link(tail, TX[l]);
            tail = RX[l];
        }
        if (E[l] != E[l - 1]) {
            link(tail, TE[l]);
            tail = E[l];
        }
    }
    const int64_t nt = thr[t];
    link(t, X[0]);
    link(tail, nt);
    after_t = nt;

    // The new ancestors of s gain T_q; the run ends their subtree if t did.
    for (int64_t y = t; y != join; y = par[y]) sz[y] += sq;
    for (int64_t y = t; y >= 0 && lst[y] == t; y = par[y]) lst[y] = tail;
    return tail;
}

// Reverse the stem: the arc (x_{l-1}, x_l) now belongs to child x_l, whose
// subtree is T_q minus the old subtree of x_{l-1} and ends at the tail; s
// hangs below t by the entering arc, which carries delta.
inline void SpanningTree::reverse_stem(int64_t s, int64_t t, int64_t k, int64_t sq, int64_t tail,
                                       double delta, bool s_up, int64_t in_arc) {
    const int64_t* X = stem_.data();
    int64_t* par = parent_.data();
    int64_t* sz = size_.data();
    int64_t* lst = last_.data();
    double* fl = flow_.data();
    unsigned char* up = up_.data();
    for (int64_t l = k; l >= 1; --l) {
        const int64_t x = X[l], c = X[l - 1];
        sz[x] = sq - sz[c];
        lst[x] = tail;
        par[x] = c;
        fl[x] = fl[c];
        up[x] = static_cast<unsigned char>(!up[c]);
    }
    if (!arc_.empty()) {
        int64_t* ar = arc_.data();
        for (int64_t l = k; l >= 1; --l) ar[X[l]] = ar[X[l - 1]];
        ar[s] = in_arc;
    }
    sz[s] = sq;
    lst[s] = tail;
    par[s] = t;
    fl[s] = delta;
    up[s] = static_cast<unsigned char>(s_up);
}

// Step 6: potentials.  Shift T_q (the thread run of sq nodes from s) by
// +shift, or (when T_q is the larger side) everything else, root included
// (the run from after_t), by -shift.
inline void SpanningTree::shift_potentials(int64_t s, int64_t after_t, int64_t sq, double shift_r,
                                             double shift_k) {
    const int64_t* thr = thread_.data();
    const int64_t N = root_ + 1;
    int64_t x, count;
    double dr = shift_r, dk = shift_k;
    if (2 * sq <= N) {
        x = s;
        count = sq;
    } else {
        x = after_t;  // = thread[tail]: the complement, in thread order
        count = N - sq;
        dr = -dr;
        dk = -dk;
    }
    double* pr = r_.data();
    if (!track_mag_) {  // mag stays at its last exact recompute; the pricing adds |r| itself
        if (dk == 0.0) {
            for (int64_t c = 0; c < count; ++c, x = thr[x]) pr[x] += dr;
        } else {
            double* pk = km_.data();
            for (int64_t c = 0; c < count; ++c, x = thr[x]) {
                pr[x] += dr;
                pk[x] += dk;
            }
        }
    } else if (dk == 0.0) {
        double* pm = mag_.data();
        for (int64_t c = 0; c < count; ++c, x = thr[x]) {
            pr[x] += dr;
            pm[x] = std::max(pm[x], std::fabs(pr[x]));
        }
    } else {
        double* pk = km_.data();
        for (int64_t c = 0; c < count; ++c, x = thr[x]) {
            pr[x] += dr;
            pk[x] += dk;
            mag_[x] = std::max(mag_[x], std::fabs(pr[x]));
        }
    }
    renormalise_offset();
}

// Keep the global offset small (precision of the real parts).
inline void SpanningTree::renormalise_offset() {
    const int64_t R = root_;
    const int64_t N = root_ + 1;
    double* pr = r_.data();
    if (std::fabs(pr[R]) > kOffsetLimit * maxabs_) {
        const double g = pr[R], gk = km_[R];
        double* pk = km_.data();
        for (int64_t y = 0; y < N; ++y) {
            pr[y] -= g;
            if (track_mag_) mag_[y] = std::max(mag_[y], std::fabs(pr[y]));
            pk[y] -= gk;
        }
    }
}

}  // namespace pydiv
