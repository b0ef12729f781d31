// The state of the exact EMD solver: the class NetworkSimplex, its
// compacted problem, its spanning-tree basis and its scratch.  Plain C++17,
// no Python.  Its member functions are defined, by concern, in
// simplex_pivot_loop.hpp, simplex_start.hpp, simplex_pricing.hpp,
// simplex_duals.hpp and simplex_warm.hpp, the tree steps in its base
// SpanningTree (spanning_tree.hpp); include network_simplex.hpp (the
// API and what each status certifies) rather than this file.
//
// Algorithm (written from Kelly & O'Neill 1991, Ahuja-Magnanti-Orlin ch. 11,
// Grigoriadis 1986 for block pivoting; own implementation).
//
// Nodes: supply i -> node i (0 <= i < n'), demand j -> node n' + j, root R =
// n' + m' (n', m' = number of rows/columns with positive mass).  Real arcs go
// supply -> demand, arc (i, j) has implicit id i*m' + j and cost C(i, j); they
// are never stored.  Every node k has an artificial arc joining it to R (k -> R
// or R -> k) with cost "M", which is treated *symbolically*: every potential is
// stored as r + k*M with the real part r and the integer k kept apart (we store
// km = k * Mrank with Mrank a power of two, so shifts of km are exact).  In the
// pricing this compares reduced costs lexicographically (M part first) through
// rc_eff = real + dk * Mrank, with Mrank >= 2 (n'+m'+1) max|C| so that the sign
// of rc_eff is always the lexicographic sign.  Consequences: no precision is
// lost to a huge finite big-M, and "artificial flow left at optimum" is an exact
// proof of infeasibility (for a feasible problem the M part of the optimum is 0).
// Artificial arcs that leave the basis are never priced again (dropping
// non-basic artificial arcs keeps every real plan feasible, so the argument
// above still holds).
//
// Basis = spanning tree rooted at R, stored in node arrays.  Because the graph
// is bipartite and complete, the tree arc of a non-root node x is fully
// determined by the pair (x, parent[x]); its flow is stored on the child.
//
// The tree arrays, their invariants and the pivot steps 2-6 are the
// SpanningTree base (spanning_tree.hpp), shared with the sparse solver.  Here
// N = n' + m' + 1, up[x] == (x is a supply node) for real arcs, the canonical
// gauge has r[R] = km[R] = 0 and km[x] = +Mrank / -Mrank (+ if the artificial
// arc of the tree path is directed up), and
//   n_art      number of children of R (= basic artificial arcs).  When it is 1
//              all real nodes share the same M part and pricing skips it.
//
// Potentials -> duals: u_i = pi_i, v_j = -pi_{n'+j}; the reduced cost of (i, j)
// is rc = C(i, j) - u_i - v_j.  At the end pi is recomputed exactly from the
// tree, flows are recomputed exactly from the supplies (leaves-up), and, if the
// real tree is a forest (n_art > 1), a finite M* is chosen as the smallest
// value >= 0 making every real arc dual feasible.
//
// Invariant of the scratch: every array is sized once per solve (allocate_tree,
// scan_costs), so nothing allocates while pivoting.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "emd/emd_status.hpp"
#include "emd/spanning_tree.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define PYDIV_NS_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define PYDIV_NS_ALWAYS_INLINE inline
#endif

namespace pydiv {

class NetworkSimplex : private SpanningTree {
public:
    NetworkSimplex() = default;

    // Tuning knobs (mainly for benchmarks).  block_size <= 0: automatic.
    void set_block_size(int64_t block_size) { user_block_ = block_size; }
    void set_block_factor(double f) { block_factor_ = f; }
    void set_initial_basis(EmdInitialBasis b) { init_basis_ = b; }
    // Warm start (simplex_warm.hpp): the next solve() starts from the basic
    // arcs (rows[e], cols[e]) of an earlier plan (original indices), if they
    // give a strongly feasible basis for the new weights; else it starts cold.
    // The arrays must outlive that solve; solve() forgets them afterwards.
    // u, v (original indices, may be null): the earlier potentials, which
    // choose the arcs that join the trees of the earlier plan.
    // roots (may be null): nodes to grow the trees from first (row i as i,
    // column j as -1 - j), e.g. basis_roots() of the earlier solve, whose
    // arcs basis_arcs() gives: its whole spanning tree, degenerate arcs too.
    void set_warm_start(const int64_t* rows, const int64_t* cols, int64_t count, const double* u = nullptr,
                        const double* v = nullptr, const int64_t* roots = nullptr, int64_t root_count = 0) {
        warm_rows_ = rows;
        warm_cols_ = cols;
        warm_count_ = count;
        warm_u_ = u;
        warm_v_ = v;
        warm_roots_ = roots;
        warm_root_count_ = root_count;
    }
    // The final basis of the last solve (original indices; empty when it
    // built none): its real tree arcs, and the nodes hung from the root by
    // an artificial arc (row i as i, column j as -1 - j), in preorder.
    void basis(std::vector<int64_t>& rows, std::vector<int64_t>& cols, std::vector<int64_t>& roots) const {
        rows.clear();
        cols.clear();
        roots.clear();
        if (!have_basis_) return;
        for (int64_t x = thread_[root_]; x != root_; x = thread_[x]) {
            const int64_t p = parent_[x];
            if (p == root_) {
                roots.push_back(x < n_ ? rows_[x] : -1 - cols_[x - n_]);
            } else {
                rows.push_back(rows_[x < n_ ? x : p]);
                cols.push_back(cols_[(x < n_ ? p : x) - n_]);
            }
        }
    }
    // Whether the last solve started from the warm basis.
    bool warm_started() const { return warm_used_; }

    template <class Cost, class Stop>
    EmdSolution solve(const double* a, int64_t n, const double* b, int64_t m, Cost&& cost,
                      int64_t max_iter, Stop&& should_stop);

    template <class Cost>
    EmdSolution solve(const double* a, int64_t n, const double* b, int64_t m, Cost&& cost,
                      int64_t max_iter = 0) {
        return solve(a, n, b, m, std::forward<Cost>(cost), max_iter, [] { return false; });
    }

    // Results of the last solve (original indices).
    const std::vector<double>& u() const { return u_; }
    const std::vector<double>& v() const { return v_; }
    int64_t plan_size() const { return static_cast<int64_t>(plan_mass_.size()); }
    const std::vector<int64_t>& plan_rows() const { return plan_rows_; }
    const std::vector<int64_t>& plan_cols() const { return plan_cols_; }
    const std::vector<double>& plan_mass() const { return plan_mass_; }
    void plan(int64_t* rows, int64_t* cols, double* mass) const {
        std::copy(plan_rows_.begin(), plan_rows_.end(), rows);
        std::copy(plan_cols_.begin(), plan_cols_.end(), cols);
        std::copy(plan_mass_.begin(), plan_mass_.end(), mass);
    }

private:
    static constexpr int64_t kPriceChunk = 64;  // reduced costs priced per chunk
    static constexpr double kScreenRel = 1.0 + 1e-12;
    alignas(16) double price_buf_[kPriceChunk];
    alignas(16) double screen_buf_[kPriceChunk];
    double screen_slack_ = 0.0;  // absolute slack of the sqrt screening

    // ---- problem (internal, compacted indices) ----
    int64_t n_ = 0, m_ = 0;         // kept rows / columns
    std::vector<int64_t> rows_;     // kept row -> original row
    std::vector<int64_t> cols_;     // kept column -> original column
    double total_ = 0.0;            // sum of kept a
    int64_t block_ = 1;
    int64_t cur_i_ = 0, cur_j_ = 0;  // block-search cursor
    int64_t n_art_ = 0;

    // ---- pivot scratch of the start (the tree is the SpanningTree base) ----
    std::vector<int64_t> row_arg_;  // cheapest column per row (row_minimum start)
    std::vector<double> row_val_;
    std::vector<unsigned char> col_ok_;
    bool have_basis_ = false;  // a spanning tree exists for the current problem

    // ---- outputs ----
    std::vector<double> u_, v_;
    std::vector<int64_t> plan_rows_, plan_cols_;
    std::vector<double> plan_mass_;

    // ---- options ----
    int64_t user_block_ = 0;
    double block_factor_ = kEmdBlockFactor;
    EmdInitialBasis init_basis_ = kEmdDefaultInitialBasis;
    const int64_t* warm_rows_ = nullptr;
    const int64_t* warm_cols_ = nullptr;
    int64_t warm_count_ = 0;
    const double* warm_u_ = nullptr;
    const double* warm_v_ = nullptr;
    const int64_t* warm_roots_ = nullptr;
    int64_t warm_root_count_ = 0;
    bool warm_used_ = false;

    // The pivot loop (simplex_pivot_loop.hpp).
    bool keep_positive_weights(const double* a, int64_t n, const double* b, int64_t m, double& sa,
                               double& sb);
    void set_supplies(const double* a, const double* b, double scale);
    template <class C, class Stop>
    EmdStatus run(C& cost, int64_t max_iter, Stop& should_stop, int64_t& n_iter);
    void choose_block_size();
    template <class C>
    bool pivot(C& cost, int64_t ei, int64_t ej);
    // The first basis (simplex_start.hpp).
    template <class C>
    EmdStatus scan_costs(C& cost);
    void init_artificial();
    void init_row_minimum();
    // Warm start (simplex_warm.hpp).
    template <class C>
    bool init_warm(C& cost);
    template <class C>
    void join_trees(C& cost, std::vector<int64_t>& set, std::vector<int64_t>& head, std::vector<int64_t>& next,
                    std::vector<int64_t>& other, int64_t& start);
    // Pricing (simplex_pricing.hpp).
    template <bool kSingleComponent, class C>
    bool find_entering(C& cost, int64_t& ei, int64_t& ej);
    template <bool kSingleComponent, class C>
    PYDIV_NS_ALWAYS_INLINE void price_chunk_screened(C& cost, int64_t i, int64_t c0, int64_t cl,
                                                     double ri, double ari, double ki, double& best,
                                                     int64_t& rowbest);
    template <bool kSingleComponent, class C>
    PYDIV_NS_ALWAYS_INLINE void price_chunk(C& cost, int64_t i, int64_t c0, int64_t cl, double ri,
                                            double ari, double ki, double& best, int64_t& rowbest);
    // Exact potentials from the tree (simplex_pivot_loop.hpp).
    template <class C>
    void recompute_potentials(C& cost, bool path_scale);
    // Outputs, duals and zero-mass fix-ups (simplex_duals.hpp).
    template <class C, class Orig>
    double finish(EmdStatus& status, C& cost, Orig& orig_cost);
    bool artificial_flow_left() const;
    template <class C>
    double extract_plan(C& cost);
    template <class C>
    double smallest_mstar(C& cost) const;
    void duals_from_potentials(double mstar);
    template <class C>
    void duals_from_first_column(C& cost);
    template <class Orig>
    void fill_removed_rows(Orig& orig_cost, int64_t no);
    template <class Orig>
    void fill_removed_cols(Orig& orig_cost, int64_t no, int64_t mo);
};

}  // namespace pydiv
