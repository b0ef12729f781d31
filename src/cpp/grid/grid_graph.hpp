// The flow graphs on which the EMD between two histograms on a regular grid
// is an uncapacitated min-cost flow (solved by emd/sparse_simplex.hpp).
// Plain C++17, no Python.
//
// A transport between grid cells at ground cost d(x, z) is the same problem
// as a min-cost flow on any graph whose shortest-path metric between cells
// is d: every flow splits into paths, each costing at least d between its
// ends, and each plan entry routes along a shortest path.  So:
// * cityblock, d = sum_k s_k |x_k - z_k|: the grid graph, each cell joined to
//   its 2d axis neighbours both ways at cost s_k (O(d n) arcs).  Zero-mass
//   cells stay as transit nodes: mass may pass through empty cells.
//   (Ling and Okada, "An efficient Earth Mover's Distance algorithm for
//   robust histogram comparison", PAMI 2007.)
// * chebyshev with one spacing s, d = s max_k |x_k - z_k|: the king's-move
//   graph, each cell joined to its 3^d - 1 neighbours at cost s (a king needs
//   max_k |x_k - z_k| moves).  Unequal spacings have no such stencil, so
//   the caller refuses them.
// * sqeuclidean, d = sum_k s_k^2 (x_k - z_k)^2 (separable): the
//   (d+1)-partite graph of Bassetti, Gualandi and Veneroni ("On the
//   computation of Kantorovich-Wasserstein distances between 2D-histograms
//   by uncapacitated minimum cost flows", SIAM J. Optim. 2020): layer 0
//   holds the cells with a > 0, layers 1..d-1 every cell, layer d the cells
//   with b > 0; an arc from layer l to layer l + 1 changes coordinate l only,
//   at cost (s_l (x_l - t))^2, so a path from x to z passes through exactly
//   one node per layer and costs d(x, z).  d n^{1+1/d} arcs instead of n^2.
//   Zero-mass cells of the outer layers are dropped (their potentials are
//   filled in afterwards, grid_emd.hpp).
//
// Cells are numbered in C order (last axis fastest).  Invariant of the
// builders: arcs are written tail by tail (cells in C order, each in stencil
// or coordinate order), so the block pricing sweeps the grid locally; `dir`
// records each arc's stencil index (neighbour graphs) or layer (partite).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pydiv {

enum class GridMetric : int { cityblock = 0, chebyshev = 1, sqeuclidean = 2 };

struct GridShape {
    int d = 0;                              // 1, 2 or 3 axes
    int64_t n[3] = {1, 1, 1};               // cells per axis
    double spacing[3] = {1.0, 1.0, 1.0};    // distance between neighbouring cells
    int64_t cells() const { return n[0] * n[1] * n[2]; }
    int64_t stride(int k) const {
        int64_t s = 1;
        for (int j = k + 1; j < d; ++j) s *= n[j];
        return s;
    }
};

struct FlowGraph {
    int64_t nodes = 0;
    std::vector<int32_t> tail, head;
    std::vector<double> cost;
    std::vector<int8_t> dir;  // neighbour graphs: stencil index of each arc
    void clear() {
        nodes = 0;
        tail.clear();
        head.clear();
        cost.clear();
        dir.clear();
    }
    void reserve(int64_t arcs) {  // one allocation per array, no doubling peaks
        tail.reserve(static_cast<size_t>(arcs));
        head.reserve(static_cast<size_t>(arcs));
        cost.reserve(static_cast<size_t>(arcs));
        dir.reserve(static_cast<size_t>(arcs));
    }
    void add(int64_t t, int64_t h, double c, int dr) {
        tail.push_back(static_cast<int32_t>(t));
        head.push_back(static_cast<int32_t>(h));
        cost.push_back(c);
        dir.push_back(static_cast<int8_t>(dr));
    }
};

// The stencil of a neighbour graph: offsets o_0..o_{K-1} (K = 2d for
// cityblock, 3^d - 1 for chebyshev), ordered so that o_{K-1-i} == -o_i:
// the first half are the "positive" directions in which flow is reported.
inline int grid_stencil(const GridShape& g, GridMetric metric, int (*off)[3]) {
    int K = 0;
    if (metric == GridMetric::cityblock) {
        for (int k = 0; k < g.d; ++k) {  // +e_k first, -e_k mirrored at the end
            for (int j = 0; j < 3; ++j) off[K][j] = j == k ? 1 : 0;
            ++K;
        }
    } else {
        const int total = g.d == 1 ? 3 : g.d == 2 ? 9 : 27;
        for (int code = total - 1; code > (total - 1) / 2; --code) {  // lexicographically positive half
            int c = code;
            for (int j = g.d - 1; j >= 0; --j) {
                off[K][j] = c % 3 - 1;
                c /= 3;
            }
            for (int j = g.d; j < 3; ++j) off[K][j] = 0;
            ++K;
        }
    }
    for (int i = 0; i < K; ++i)
        for (int j = 0; j < 3; ++j) off[2 * K - 1 - i][j] = -off[i][j];
    return 2 * K;
}

// Cost of one stencil step: s_k for an axis step (cityblock), s for any
// king's move (chebyshev, equal spacings).
inline double stencil_cost(const GridShape& g, const int* o) {
    double c = 0.0;
    for (int k = 0; k < g.d; ++k)
        if (o[k] != 0) c = std::max(c, g.spacing[k]);
    return c;
}

inline void build_neighbour_graph(const GridShape& g, GridMetric metric, FlowGraph& out) {
    int off[26][3];
    const int K = grid_stencil(g, metric, off);
    double step[26];
    for (int i = 0; i < K; ++i) step[i] = stencil_cost(g, off[i]);
    out.clear();
    out.nodes = g.cells();
    out.reserve(out.nodes * K);
    const int64_t s0 = g.n[1] * g.n[2], s1 = g.n[2];
    for (int64_t x0 = 0; x0 < g.n[0]; ++x0)
        for (int64_t x1 = 0; x1 < g.n[1]; ++x1)
            for (int64_t x2 = 0; x2 < g.n[2]; ++x2) {
                const int64_t x = x0 * s0 + x1 * s1 + x2;
                for (int i = 0; i < K; ++i) {
                    const int64_t y0 = x0 + off[i][0], y1 = x1 + off[i][1], y2 = x2 + off[i][2];
                    if (y0 < 0 || y0 >= g.n[0] || y1 < 0 || y1 >= g.n[1] || y2 < 0 || y2 >= g.n[2]) continue;
                    out.add(x, y0 * s0 + y1 * s1 + y2, step[i], i);
                }
            }
}

// The (d+1)-partite graph for the squared Euclidean cost.  src / dst: the
// cells of layers 0 and d (those with a > 0 and b > 0); node ids: layer 0
// first, then each middle layer (all cells), then layer d.  dst_node maps a
// cell to its layer-d node (-1 when b == 0).
struct PartiteLayout {
    std::vector<int64_t> src, dst, src_node, dst_node;
    int64_t middle_base(int l, int64_t cells) const {  // first node of middle layer l (1 <= l < d)
        return static_cast<int64_t>(src.size()) + (l - 1) * cells;
    }
    int64_t dst_base(int d, int64_t cells) const { return static_cast<int64_t>(src.size()) + (d - 1) * cells; }
    // The node of `cell` in layer l (0..d), -1 where the cell was dropped.
    int64_t node(int l, int d, int64_t cells, int64_t cell) const {
        if (l == 0) return src_node[cell];
        if (l == d) return dst_node[cell];
        return middle_base(l, cells) + cell;
    }
};

inline void build_partite_graph(const GridShape& g, const double* a, const double* b, FlowGraph& out,
                                PartiteLayout& lay) {
    const int64_t C = g.cells();
    const int d = g.d;
    lay.src.clear();
    lay.dst.clear();
    lay.src_node.assign(static_cast<size_t>(C), -1);
    lay.dst_node.assign(static_cast<size_t>(C), -1);
    for (int64_t x = 0; x < C; ++x)
        if (a[x] > 0) {
            lay.src_node[x] = static_cast<int64_t>(lay.src.size());
            lay.src.push_back(x);
        }
    const int64_t db = lay.dst_base(d, C);
    for (int64_t x = 0; x < C; ++x)
        if (b[x] > 0) {
            lay.dst_node[x] = db + static_cast<int64_t>(lay.dst.size());
            lay.dst.push_back(x);
        }
    out.clear();
    out.nodes = db + static_cast<int64_t>(lay.dst.size());
    {
        int64_t arcs = 0;  // layer l sends each node along axis l: |layer l| * n_l arcs (fewer into layer d)
        for (int l = 0; l < d; ++l) arcs += (l == 0 ? static_cast<int64_t>(lay.src.size()) : C) * g.n[l];
        out.reserve(arcs);
    }
    for (int l = 0; l < d; ++l) {
        const int64_t len = g.n[l], st = g.stride(l);
        const double s2 = g.spacing[l] * g.spacing[l];
        const int64_t count = l == 0 ? static_cast<int64_t>(lay.src.size()) : C;
        for (int64_t k = 0; k < count; ++k) {
            const int64_t x = l == 0 ? lay.src[k] : k;
            const int64_t node = l == 0 ? k : lay.middle_base(l, C) + k;
            const int64_t xl = (x / st) % len, base = x - xl * st;
            for (int64_t t = 0; t < len; ++t) {
                const int64_t z = base + t * st;
                const int64_t to = l + 1 == d ? lay.dst_node[z] : lay.middle_base(l + 1, C) + z;
                if (to < 0) continue;
                const double diff = static_cast<double>(xl - t);
                out.add(node, to, s2 * (diff * diff), l);
            }
        }
    }
}

}  // namespace pydiv
