// Renumbering of the sparse network simplex's nodes in the preorder of its
// spanning tree, and the arcs by tail (part of sparse_simplex.hpp).  Plain
// C++17, no Python.
//
// Why: a pivot's hot loop shifts the potentials of a whole subtree, walking
// the thread (the preorder) node by node.  With labels in preorder a subtree
// is a run of consecutive labels, so that walk reads memory in order instead
// of jumping around the grid; the pivots after a relabel slowly scramble the
// order again, so it is redone every kSparseRelabelFactor * N pivots (O(N + E)
// each time).  Sorting the arcs by tail keeps the block pricing, which sweeps
// the arcs in order, reading the potentials in order too.
//
// Invariant: a relabel changes no flow, potential or tree relation, only the
// names; node_orig_ and arc_orig_ translate back to the caller's ids.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "emd/sparse_simplex.hpp"

namespace pydiv {

inline void SparseSimplex::copy_arcs() {
    tail_v_.assign(tail_, tail_ + E_);
    head_v_.assign(head_, head_ + E_);
    cost_v_.assign(cost_, cost_ + E_);
    arc_orig_.resize(static_cast<size_t>(E_));
    for (int64_t e = 0; e < E_; ++e) arc_orig_[e] = e;
    node_orig_.resize(static_cast<size_t>(N_));
    for (int64_t x = 0; x < N_; ++x) node_orig_[x] = x;
    tail_ = tail_v_.data();
    head_ = head_v_.data();
    cost_ = cost_v_.data();
}

inline void SparseSimplex::relabel() {
    const int64_t R = root_, NN = R + 1;
    new_of_.resize(static_cast<size_t>(NN));
    int64_t k = 0;
    for (int64_t x = thread_[R]; x != R; x = thread_[x]) new_of_[x] = k++;
    new_of_[R] = R;
    const int64_t* nw = new_of_.data();
    // Node arrays: values that are node labels are renamed too.
    const auto permute_labels = [&](std::vector<int64_t>& a) {
        tmp_i_.resize(static_cast<size_t>(NN));
        for (int64_t x = 0; x < NN; ++x) tmp_i_[nw[x]] = a[x] < 0 ? a[x] : nw[a[x]];
        a.swap(tmp_i_);
    };
    const auto permute_values = [&](std::vector<double>& a) {
        tmp_d_.resize(static_cast<size_t>(NN));
        for (int64_t x = 0; x < NN; ++x) tmp_d_[nw[x]] = a[x];
        a.swap(tmp_d_);
    };
    for (auto* a : {&parent_, &last_, &thread_, &rev_}) permute_labels(*a);
    for (auto* a : {&size_, &arc_}) {  // plain values (arc ids are renamed below)
        tmp_i_.resize(static_cast<size_t>(NN));
        for (int64_t x = 0; x < NN; ++x) tmp_i_[nw[x]] = (*a)[x];
        a->swap(tmp_i_);
    }
    for (auto* a : {&flow_, &r_, &km_, &mag_}) permute_values(*a);
    tmp_u_.resize(static_cast<size_t>(NN));
    for (int64_t x = 0; x < NN; ++x) tmp_u_[nw[x]] = up_[x];
    up_.swap(tmp_u_);
    tmp_d_.resize(static_cast<size_t>(R));
    for (int64_t x = 0; x < R; ++x) tmp_d_[nw[x]] = supply_[x];
    supply_.swap(tmp_d_);
    tmp_i_.resize(static_cast<size_t>(R));
    for (int64_t x = 0; x < R; ++x) tmp_i_[nw[x]] = node_orig_[x];
    node_orig_.swap(tmp_i_);
    // Arcs: rename the ends, then order by new tail (counting sort, stable).
    std::vector<int64_t>& start = tmp_i_;
    start.assign(static_cast<size_t>(R + 1), 0);
    for (int64_t e = 0; e < E_; ++e) ++start[nw[tail_v_[e]] + 1];
    for (int64_t x = 0; x < R; ++x) start[x + 1] += start[x];
    tmp_t_.resize(static_cast<size_t>(E_));
    tmp_h_.resize(static_cast<size_t>(E_));
    tmp_d_.resize(static_cast<size_t>(E_));
    tmp_a_.resize(static_cast<size_t>(E_));
    labels_.assign(nw, nw + NN);
    std::vector<int64_t>& moved = new_of_;  // arc e -> its new index (the labels are in labels_ now)
    moved.resize(static_cast<size_t>(std::max<int64_t>(E_, NN)));
    const int64_t* labels = labels_.data();
    for (int64_t e = 0; e < E_; ++e) {
        const int64_t t = labels[tail_v_[e]];
        const int64_t at = start[t]++;
        tmp_t_[at] = static_cast<int32_t>(t);
        tmp_h_[at] = static_cast<int32_t>(labels[head_v_[e]]);
        tmp_d_[at] = cost_v_[e];
        tmp_a_[at] = arc_orig_[e];
        moved[e] = at;
    }
    for (int64_t x = 0; x < R; ++x)
        if (arc_[x] >= 0) arc_[x] = moved[arc_[x]];
    tail_v_.swap(tmp_t_);
    head_v_.swap(tmp_h_);
    cost_v_.swap(tmp_d_);
    arc_orig_.swap(tmp_a_);
    tail_ = tail_v_.data();
    head_ = head_v_.data();
    cost_ = cost_v_.data();
    cursor_ = cursor_ < E_ ? moved[cursor_] : 0;
}

}  // namespace pydiv
