// Exact EMD between two histograms on one regular grid (1-D, 2-D or 3-D),
// as an uncapacitated min-cost flow on the grid graphs of grid_graph.hpp,
// solved by the sparse network simplex (emd/sparse_simplex.hpp).  Plain
// C++17, header only, no Python.
//
//   pydiv::GridEmd ws;   // workspace, one per thread (keeps its graph)
//   EmdSolution s = ws.solve(shape, metric, a, b, u, v, flow, max_iter, stop);
//
//   a, b      masses per cell (C order), >= 0, with equal totals (the caller
//             balances them; the solver accepts kEmdMassRelTol).
//   u, v      (cells each, out; both null: not computed): the Kantorovich
//             potentials on the grid, with
//             u_x + v_z <= d(x, z) for EVERY pair of cells, equality where
//             mass moves, and sum a u + sum b v == cost (when optimal).
//             Neighbour graphs (cityblock, chebyshev): one potential phi
//             that is 1-Lipschitz for d, u = phi and v = -phi.  Partite
//             (sqeuclidean): u from layer 0, v from layer d; cells dropped
//             for zero mass get u_x = min_y (c(x, y) + pi_y) over their
//             layer-1 arcs and v_z = min_y (c(y, z) - pi_y) over their
//             layer-(d-1) arcs, which keeps every pair feasible (any path
//             x -> z passes one node per layer); in 1-D, with no middle
//             layer, v_z = min_x (d(x, z) - u_x) over every cell instead.  Gauge: v == 0 at the first
//             cell with b > 0 (as the dense solver's first positive column).
//   flow      (optional; neighbour graphs) K/2 x cells, K the stencil size:
//             flow[i][x] is the net mass sent from cell x to x + o_i (o_i the
//             positive stencil directions of grid_stencil; negative: the
//             other way).  An optimal flow never uses both directions of an
//             edge (that would be a cycle of positive cost), so the net flow
//             is the whole flow.
//   plan()    (partite, when asked) the transport plan: the layer flows
//             composed cell by cell (at each middle node the incoming
//             pieces are matched in order with the outgoing arcs), entries
//             (source cell, target cell, mass) sorted, duplicates merged.
//
// Invariant: a solve depends only on its inputs (the cached neighbour graph
// is rebuilt whenever the shape, spacing or metric changes), so a batch on
// threads gives each pair the result of its own call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "emd/network_simplex.hpp"
#include "emd/sparse_simplex.hpp"
#include "grid/grid_graph.hpp"

namespace pydiv {

struct GridPlanEntry {
    int64_t source, target;
    double mass;
};

class GridEmd {
public:
    template <class Stop>
    EmdSolution solve(const GridShape& g, GridMetric metric, const double* a, const double* b, double* u,
                      double* v, double* flow, bool want_plan, int64_t max_iter, Stop&& stop);

    const std::vector<GridPlanEntry>& plan() const { return plan_; }
    int64_t arcs() const { return static_cast<int64_t>(graph_.tail.size()); }
    void set_block_factor(double f) { ns_.set_block_factor(f); }
    void set_relabel_factor(double f) { relabel_factor_ = f; }  // neighbour graphs (sparse_simplex.hpp)

private:
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    SparseSimplex ns_;
    NetworkSimplex line_;  // 1-D sqeuclidean: the dense bipartite problem, costs on the fly
    double relabel_factor_ = kSparseRelabelFactor;
    std::vector<double> scaled_b_;
    FlowGraph graph_;
    PartiteLayout lay_;
    std::vector<double> supply_;
    std::vector<int64_t> ids_;
    std::vector<double> flows_;
    std::vector<GridPlanEntry> plan_, next_;
    std::vector<int64_t> order_, start_;
    bool cached_ = false;
    GridShape cached_shape_;
    GridMetric cached_metric_ = GridMetric::cityblock;

    bool same_graph(const GridShape& g, GridMetric metric) const;
    void neighbour_duals(const GridShape& g, const double* b, double* u, double* v) const;
    void neighbour_flow(const GridShape& g, GridMetric metric, double* flow);
    void partite_duals(const GridShape& g, const double* b, double* u, double* v) const;
    void compose_plan(const GridShape& g);
    template <class Stop>
    EmdSolution solve_line(const GridShape& g, const double* a, const double* b, double* u, double* v,
                           bool want_plan, int64_t max_iter, Stop& stop);
};

inline bool GridEmd::same_graph(const GridShape& g, GridMetric metric) const {
    if (!cached_ || metric != cached_metric_ || g.d != cached_shape_.d) return false;
    for (int k = 0; k < 3; ++k)
        if (g.n[k] != cached_shape_.n[k] || g.spacing[k] != cached_shape_.spacing[k]) return false;
    return true;
}

template <class Stop>
EmdSolution GridEmd::solve(const GridShape& g, GridMetric metric, const double* a, const double* b, double* u,
                           double* v, double* flow, bool want_plan, int64_t max_iter, Stop&& stop) {
    const int64_t C = g.cells();
    plan_.clear();
    if (u != nullptr) std::fill(u, u + C, kNaN);
    if (v != nullptr) std::fill(v, v + C, kNaN);
    // Totals that agree to kEmdMassRelTol are made equal by scaling b (as the
    // dense solver does), so only rounding is left for the artificial arcs.
    double sa = 0.0, sb = 0.0;
    for (int64_t x = 0; x < C; ++x) {
        sa += a[x];
        sb += b[x];
    }
    if (sb > 0 && sa != sb && std::fabs(sa - sb) <= kEmdMassRelTol * std::max(sa, sb)) {
        scaled_b_.resize(static_cast<size_t>(C));
        for (int64_t x = 0; x < C; ++x) scaled_b_[x] = b[x] * (sa / sb);
        b = scaled_b_.data();
    }
    if (metric == GridMetric::sqeuclidean && g.d == 1) return solve_line(g, a, b, u, v, want_plan, max_iter, stop);
    EmdSolution sol;
    if (metric == GridMetric::sqeuclidean) {
        cached_ = false;  // the partite graph depends on the masses
        ns_.set_relabel_factor(0.0);  // measured 5-30 % slower on these shallow graphs; and no arc copies
        build_partite_graph(g, a, b, graph_, lay_);
        supply_.assign(static_cast<size_t>(graph_.nodes), 0.0);
        const int64_t db = lay_.dst_base(g.d, C);
        for (size_t k = 0; k < lay_.src.size(); ++k) supply_[k] = a[lay_.src[k]];
        for (size_t k = 0; k < lay_.dst.size(); ++k) supply_[db + static_cast<int64_t>(k)] = -b[lay_.dst[k]];
    } else {
        if (!same_graph(g, metric)) {
            build_neighbour_graph(g, metric, graph_);
            cached_ = true;
            cached_shape_ = g;
            cached_metric_ = metric;
        }
        ns_.set_relabel_factor(relabel_factor_);
        supply_.resize(static_cast<size_t>(C));
        for (int64_t x = 0; x < C; ++x) supply_[x] = a[x] - b[x];
    }
    sol = ns_.solve(supply_.data(), graph_.nodes, graph_.tail.data(), graph_.head.data(), graph_.cost.data(),
                    arcs(), sa, max_iter, stop);
    if (flow != nullptr && metric != GridMetric::sqeuclidean) neighbour_flow(g, metric, flow);
    if (sol.status != EmdStatus::optimal) return sol;
    const bool want_duals = u != nullptr && v != nullptr;
    if (metric == GridMetric::sqeuclidean) {
        if (want_duals) partite_duals(g, b, u, v);
        if (want_plan) compose_plan(g);
    } else if (want_duals) {
        neighbour_duals(g, b, u, v);
    }
    return sol;
}

// 1-D sqeuclidean: the (d+1)-partite graph would be the complete bipartite
// graph with its n^2 arcs stored; the dense solver prices the same arcs with
// costs computed on the fly in O(n) memory, and its potentials and zero-mass
// fill-ins are the certificate in the grid's gauge (v == 0 at the first
// cell with b > 0).
template <class Stop>
EmdSolution GridEmd::solve_line(const GridShape& g, const double* a, const double* b, double* u, double* v,
                                bool want_plan, int64_t max_iter, Stop& stop) {
    const int64_t C = g.cells();
    const double s2 = g.spacing[0] * g.spacing[0];
    const auto cost = [s2](int64_t i, int64_t j) {
        const double d = static_cast<double>(i - j);
        return s2 * (d * d);
    };
    const EmdSolution sol = line_.solve(a, C, b, C, cost, max_iter, stop);
    if (sol.status != EmdStatus::optimal) return sol;
    if (u != nullptr && v != nullptr) {
        std::copy(line_.u().begin(), line_.u().end(), u);
        std::copy(line_.v().begin(), line_.v().end(), v);
    }
    if (want_plan)
        for (int64_t k = 0; k < line_.plan_size(); ++k)
            plan_.push_back({line_.plan_rows()[k], line_.plan_cols()[k], line_.plan_mass()[k]});
    return sol;
}

// u = phi, v = -phi with phi == 0 at the first cell with b > 0.
inline void GridEmd::neighbour_duals(const GridShape& g, const double* b, double* u, double* v) const {
    const int64_t C = g.cells();
    const std::vector<double>& pi = ns_.potential();
    int64_t j0 = 0;
    while (j0 < C - 1 && !(b[j0] > 0)) ++j0;
    const double g0 = pi[j0];
    for (int64_t x = 0; x < C; ++x) {
        u[x] = pi[x] - g0;
        v[x] = -u[x];
    }
}

inline void GridEmd::neighbour_flow(const GridShape& g, GridMetric metric, double* flow) {
    int off[26][3];
    const int K = grid_stencil(g, metric, off);
    const int64_t C = g.cells();
    std::fill(flow, flow + (K / 2) * C, 0.0);
    ns_.arc_flow(ids_, flows_);
    for (size_t k = 0; k < ids_.size(); ++k) {
        const int64_t e = ids_[k];
        const int i = graph_.dir[e];
        if (i < K / 2)
            flow[i * C + graph_.tail[e]] += flows_[k];
        else
            flow[(K - 1 - i) * C + graph_.head[e]] -= flows_[k];
    }
}

// Layer-0 and layer-d potentials, with the fill-ins of dropped cells (see
// the header), then the gauge v == 0 at the first cell with b > 0.
inline void GridEmd::partite_duals(const GridShape& g, const double* b, double* u, double* v) const {
    const int64_t C = g.cells();
    const int d = g.d;
    const std::vector<double>& pi = ns_.potential();
    const auto fill = [&](int l, int64_t x, double sign) {  // over the line of x along axis l, layer l'
        const int64_t len = g.n[l], st = g.stride(l);
        const int64_t xl = (x / st) % len, base = x - xl * st;
        const double s2 = g.spacing[l] * g.spacing[l];
        const int other = sign > 0 ? 1 : d - 1;  // u: layer 1 ahead; v: layer d-1 behind
        double best = std::numeric_limits<double>::infinity();
        for (int64_t t = 0; t < len; ++t) {
            const int64_t y = lay_.node(other, d, C, base + t * st);
            if (y < 0) continue;
            const double diff = static_cast<double>(xl - t);
            best = std::min(best, s2 * (diff * diff) + sign * pi[y]);
        }
        return best < std::numeric_limits<double>::infinity() ? best : 0.0;
    };
    for (int64_t x = 0; x < C; ++x) {
        const int64_t ns = lay_.src_node[x];
        u[x] = ns >= 0 ? pi[ns] : fill(0, x, 1.0);
    }
    for (int64_t z = 0; z < C; ++z) {
        const int64_t nd = lay_.dst_node[z];
        if (nd >= 0) {
            v[z] = -pi[nd];
        } else if (d > 1) {
            v[z] = fill(d - 1, z, -1.0);
        } else {  // no middle layer: against every source, filled ones too (as the dense solver)
            double best = std::numeric_limits<double>::infinity();
            const double s2 = g.spacing[0] * g.spacing[0];
            for (int64_t x = 0; x < C; ++x) {
                const double diff = static_cast<double>(x - z);
                best = std::min(best, s2 * (diff * diff) - u[x]);
            }
            v[z] = best;
        }
    }
    int64_t j0 = 0;
    while (j0 < C - 1 && !(b[j0] > 0)) ++j0;
    const double g0 = v[j0];
    for (int64_t x = 0; x < C; ++x) {
        u[x] += g0;
        v[x] -= g0;
    }
}

// The plan from the layer flows: pieces (source cell, node of layer l,
// mass), matched at each node of layer l in order with its outgoing arcs'
// flows, give the pieces of layer l + 1; at layer d the node is the target.
// Rounding differences between a node's inflow and outflow are left over
// (a few ulps).  Entries sorted by (source, target), duplicates merged.
inline void GridEmd::compose_plan(const GridShape& g) {
    const int64_t C = g.cells();
    const int d = g.d;
    ns_.arc_flow(ids_, flows_);
    plan_.clear();
    for (size_t k = 0; k < ids_.size(); ++k) {
        const int64_t e = ids_[k];
        if (graph_.dir[e] == 0) plan_.push_back({lay_.src[graph_.tail[e]], graph_.head[e], flows_[k]});
    }
    for (int l = 1; l < d; ++l) {
        // Outgoing arcs of layer l, grouped by tail (counting sort).
        const int64_t base = lay_.middle_base(l, C);
        start_.assign(static_cast<size_t>(C + 1), 0);
        for (size_t k = 0; k < ids_.size(); ++k)
            if (graph_.dir[ids_[k]] == l) ++start_[graph_.tail[ids_[k]] - base + 1];
        std::partial_sum(start_.begin(), start_.end(), start_.begin());
        order_.assign(static_cast<size_t>(start_[C]), 0);
        std::vector<int64_t> pos(start_.begin(), start_.end() - 1);
        for (size_t k = 0; k < ids_.size(); ++k)
            if (graph_.dir[ids_[k]] == l) order_[pos[graph_.tail[ids_[k]] - base]++] = static_cast<int64_t>(k);
        std::sort(plan_.begin(), plan_.end(),
                  [](const GridPlanEntry& p, const GridPlanEntry& q) { return p.target < q.target; });
        next_.clear();
        size_t i = 0;
        while (i < plan_.size()) {
            const int64_t node = plan_[i].target;
            int64_t o = start_[node - base];
            const int64_t o_end = start_[node - base + 1];
            double left = o < o_end ? flows_[order_[o]] : 0.0;
            for (; i < plan_.size() && plan_[i].target == node; ++i) {
                double m = plan_[i].mass;
                while (m > 0 && o < o_end) {
                    const double take = std::min(m, left);
                    if (take > 0) next_.push_back({plan_[i].source, graph_.head[ids_[order_[o]]], take});
                    m -= take;
                    left -= take;
                    if (!(left > 0) && ++o < o_end) left = flows_[order_[o]];
                }
            }
        }
        plan_.swap(next_);
    }
    const int64_t db = lay_.dst_base(d, C);
    for (GridPlanEntry& p : plan_) p.target = lay_.dst[p.target - db];
    std::sort(plan_.begin(), plan_.end(), [](const GridPlanEntry& p, const GridPlanEntry& q) {
        return p.source < q.source || (p.source == q.source && p.target < q.target);
    });
    size_t w = 0;
    for (size_t k = 0; k < plan_.size(); ++k) {
        if (w > 0 && plan_[w - 1].source == plan_[k].source && plan_[w - 1].target == plan_[k].target)
            plan_[w - 1].mass += plan_[k].mass;
        else
            plan_[w++] = plan_[k];
    }
    plan_.resize(w);
}

}  // namespace pydiv
