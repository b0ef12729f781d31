// Exact Earth Mover's Distance: primal network simplex on the complete
// bipartite transportation graph.  Plain C++17, header only, no Python, no I/O.
//
// Problem.  Given supplies a (n) and demands b (m), both >= 0, and a cost
// callable C(i, j) -> double, find a plan x >= 0 with row sums a and column
// sums b minimising sum C(i, j) x(i, j).  C(i, j) == +inf forbids the arc.
//
// ---------------------------------------------------------------------------
// API
//
//   pydiv::NetworkSimplex ns;                 // reusable workspace, one per thread
//   pydiv::EmdSolution s = ns.solve(a, n, b, m, cost, max_iter, should_stop);
//   s.status / s.cost / s.n_iter
//   ns.u(), ns.v()                            // dual potentials (n) and (m)
//   ns.plan_size(); ns.plan(rows, cols, mass) // basic plan, positive entries only
//
//   * cost:        any callable `double(int64_t i, int64_t j)` (template
//                  parameter, so it is inlined in the pricing loop).  i, j are
//                  the caller's (original) indices.
//   * max_iter:    <= 0 means unlimited; otherwise at most max_iter pivots, then
//                  status max_iter_reached and the current (possibly not yet
//                  optimal, possibly not yet feasible) state is returned.
//   * should_stop: callable `bool()`, called every kEmdStopCheckInterval pivots;
//                  returning true stops with status interrupted.
//
// Status / outputs.
//   optimal           cost is optimal; u, v are an optimality certificate:
//                     u_i + v_j <= C(i, j) + tol_ij for ALL i, j, with
//                     tol_ij = kEmdPriceRelTol (|C(i, j)| + |u_i| + |v_j|) (a
//                     last pass over every arc, with the potentials recomputed
//                     exactly from the tree, checks it before the status is
//                     given), equality on every plan entry, and
//                     sum a.u + sum b.v == cost.
//   max_iter_reached,
//   interrupted       cost = cost of the real (non-artificial) part of the current
//                     basic solution, plan = that part, u/v = current node
//                     potentials (not a certificate).  Marginals may not match
//                     if artificial flow remains.
//   infeasible        no plan exists (forbidden arcs, or totals differ by more
//                     than kEmdMassRelTol).  cost = +inf, u = v = NaN, the plan
//                     holds whatever real flow the final basis carried.
//   invalid_input     NaN / negative / infinite weight, NaN or -inf cost, or
//                     |finite costs| so large that (n+m)*max|C| overflows.
//                     cost = NaN, u = v = NaN, empty plan.
//
// Gauge of the potentials: (u, v) -> (u + g, v - g) leaves everything invariant;
// we fix g so that v[j0] == 0 where j0 is the first column with b[j0] > 0.
//
// Zero masses.  Rows/columns with zero weight are removed before solving.  Their
// potentials are filled in afterwards: first removed rows
//     u_i = min_{j kept} (C(i, j) - v_j),
// then removed columns
//     v_j = min_{all i} (C(i, j) - u_i),
// which keeps u_i + v_j <= C(i, j) for every pair (a value with no finite arc
// in the min is set to 0: any value is feasible there).
//
// Unequal totals.  Weights coming from floating point rarely sum exactly alike.
// If |sum a - sum b| <= kEmdMassRelTol * max(sum a, sum b), b is rescaled
// internally by (sum a / sum b), i.e. the balanced problem with marginals a and
// b * (sum a / sum b) is solved (the returned plan has those column sums, which
// differ from b by the same relative amount).  A larger mismatch is infeasible.
// The left-over rounding imbalance (a few ulps) ends on an artificial arc and is
// accepted by the feasibility test below.
//
// ---------------------------------------------------------------------------
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
// Invariants of the tree arrays (N = n' + m' + 1 nodes, R = N - 1):
//   parent[x]  parent of x in the tree; parent[R] = -1.  parent[x] == R iff the
//              tree arc of x is artificial (only the root has artificial arcs).
//   up[x]      1 if the tree arc of x is directed x -> parent[x], 0 if
//              parent[x] -> x.  For real arcs up[x] == (x is a supply node).
//   flow[x]    flow on the tree arc of x, >= 0 (non-tree arcs carry 0).
//   thread[x]  successor of x in a preorder (DFS) of the tree; cyclic:
//              thread[last node] = R.  rev[x] is the inverse (thread[rev[x]]
//              == x).
//   size[x]    number of nodes in the subtree of x (size[R] = N).
//   last[x]    last node of the subtree of x in preorder: the subtree of x is
//              the contiguous thread run x, thread[x], ..., last[x] of
//              size[x] nodes.
//   r[x], km[x] potential pi_x = r[x] + (km[x] / Mrank) * M with
//              C(arc) - pi_source + pi_target == 0 on every tree arc.  Only
//              differences matter, so a pivot shifts whichever side of the
//              tree is smaller; hence pi = canonical + g (a global offset kept
//              in r[R], km[R], renormalised to 0 when |r[R]| grows).  In the
//              canonical gauge r[R] = km[R] = 0 and km[x] = +Mrank / -Mrank
//              (+ if the artificial arc of the tree path is directed up).
//   n_art      number of children of R (= basic artificial arcs).  When it is 1
//              all real nodes share the same M part and pricing skips it.
//   Strong feasibility: every tree arc with zero flow is directed away from
//              the root (up[x] == 0).  The leaving-arc rule (Cunningham; AMO
//              11.5: on the pivot cycle oriented like the entering arc and
//              walked from the apex, take the LAST blocking arc) preserves it,
//              which rules out cycling on degenerate problems.
//
// Potentials -> duals: u_i = pi_i, v_j = -pi_{n'+j}; the reduced cost of (i, j)
// is rc = C(i, j) - u_i - v_j.  At the end pi is recomputed exactly from the
// tree, flows are recomputed exactly from the supplies (leaves-up), and, if the
// real tree is a forest (n_art > 1), a finite M* is chosen as the smallest
// value >= 0 making every real arc dual feasible.
//
// Pricing.  Row-major block search; reduced costs are computed per chunk of 64
// arcs into a small buffer (vectorisable), followed by an SSE2 min (scalar
// fallback elsewhere); the argmin is located only when a chunk improves on the
// best so far, so ties resolve exactly as in a plain scalar scan.  Cost
// callables may offer two optional fast paths (detected at compile time):
//   void row(i, j0, len, double* out)          out[k] = C(i, j0 + k)
//   void row_squared(i, j0, len, double* out)  C(i, j0 + k) == sqrt(out[k])
// With row_squared (Euclidean point clouds) an arc can beat the current best
// only if s < T|T| with T = best + u_i - w_j (plus a rigorous rounding slack),
// so square roots are taken only for the few survivors of that screen.
// (DenseCost and PointCloudCost in ground_cost.hpp provide them.  When zero-
// mass nodes are removed the solver reaches the caller's costs through an
// index map, element by element, without these fast paths.)
//
// Measurements (g++ 12 -O3 -DNDEBUG, no -march, 2 shared cores, medians of 7
// in ms; n = m points uniform in the unit square, Euclidean cost; "dense" =
// precomputed matrix via DenseCost, "fly" = PointCloudCost; pivots in
// parentheses; final code):
//
//   block = f sqrt(n m)     uniform weights            random weights (U+0.1)
//   start        f    n=1000        n=2000         n=1000        n=2000
//                     dense  fly    dense  fly     dense  fly    dense  fly
//   artificial  0.25  12.3  20.3    75.2  85.2     20.0  26.8    97.0 110.9
//   artificial  0.5   11.7  19.8    75.0  83.1     16.0  24.7    89.6  96.8
//   artificial  1.0   13.0  22.2    86.3 100.5     16.7  25.5    95.4 105.4
//   artificial  2.0   13.0  22.5    85.5  97.0     20.0  31.3   114.9 128.8
//   row_minimum 0.25  11.3  18.5    69.0  76.0     16.7  25.5    91.8 100.9
//   row_minimum 0.5   11.6  18.5    65.1  76.1     20.0* 33.9*   86.8  95.5
//   row_minimum 1.0   11.2  20.0    67.2  76.5     17.2  25.0    88.9  99.3
//   row_minimum 2.0   12.8  21.2    77.6  92.0     20.9  30.0   113.8 123.6
//   pivots (f = 0.5): artificial 15583 / 34458 / 13785 / 29357,
//                     row_minimum 13845 / 30590 / 12442 / 26649
//   (* noisy run: its minima, 14.6 / 27.6 ms, are the best of the row)
//
// => defaults: row_minimum start (10-20 % fewer pivots than the artificial
// start, faster or equal within noise everywhere), f = 0.5 (flat optimum
// between 0.25 and 1; larger blocks cost more pricing than they save in
// pivots).  History of the optimisations on n = 2000 uniform, fly: plain
// scalar pricing 205-220 ms -> chunked pricing 140 ms -> sqrt screening 79 ms;
// random weights n = 2000: depth-array tree with two subtree walks 112 ms ->
// one fused walk 109 ms -> size/last tree, shift the smaller side 95 ms.
// n = 4000 uniform fly: ~340 ms; n = 500: ~5 ms (time ~ n^2.1-2.3).
// For comparison POT 0.9.7 ot.emd2 on the same problems: ~47-97 ms (n=1000)
// and ~210-265 ms (n=2000) depending on the machine's load.
// ---------------------------------------------------------------------------
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define PYDIV_NS_SSE2 1
#endif

namespace pydiv {

enum class EmdStatus : int {
    optimal = 0,
    max_iter_reached = 1,
    infeasible = 2,
    interrupted = 3,
    invalid_input = 4,
};

inline const char* emd_status_name(EmdStatus s) {
    switch (s) {
        case EmdStatus::optimal: return "optimal";
        case EmdStatus::max_iter_reached: return "max_iter_reached";
        case EmdStatus::infeasible: return "infeasible";
        case EmdStatus::interrupted: return "interrupted";
        case EmdStatus::invalid_input: return "invalid_input";
    }
    return "unknown";
}

struct EmdSolution {
    double cost;
    EmdStatus status;
    int64_t n_iter;  // number of pivots performed
};

// How the first basis is built.
enum class EmdInitialBasis : int {
    // Every node hangs from the root by its artificial arc.
    artificial = 0,
    // "Row minimum" crash start: supply i hangs, with all its mass, from its
    // cheapest column; columns hang from the root by an artificial arc carrying
    // the residual b_j - (mass received), directed so that the flow is >= 0.
    row_minimum = 1,
};

// ---- tolerances and tuned parameters --------------------------------------
// An arc enters only if rc + kEmdPriceRelTol * (|C_ij| + mag_i + mag_j) < 0,
// where mag_x >= |pi_x| is the largest |potential| on the tree path that
// made pi_x (the potential of x is a sum along that path, so its rounding is
// a few ulp of mag_x per step; incremental shifts only raise mag_x until the
// next exact recompute).  The tolerance scales with the numbers the reduced
// cost is computed from, never with the largest cost of the problem, so one
// huge cost that the optimum avoids cannot hide the small improvements
// elsewhere; and it covers the rounding of potentials whose paths pass
// through huge costs, so rounding noise never prices as an improvement (no
// cycling).  About 4000 ulp.
constexpr double kEmdPriceRelTol = 0x1p-40;
// The first exact recomputes take mag_x = |pi_x| instead of the path maximum:
// tighter, so improvements beside potentials that passed through a huge cost
// (a sentinel arc degenerate in the tree) still price out; but rounding noise
// may then price as an improvement and cycle, so after this many recomputes
// the path maximum bounds the noise and the search ends.
constexpr int64_t kEmdTightRecomputes = 16;
// Accepted relative mismatch of the totals (sum a vs sum b) before rescaling.
constexpr double kEmdMassRelTol = 1e-8;
// Artificial flow above kEmdFeasUlps * eps * (n'+m') * total is "infeasible":
// the exact leaves-up flow recomputation leaves at most a few ulps per node.
constexpr double kEmdFeasUlps = 64.0;
// should_stop() is called every this many pivots.
constexpr int64_t kEmdStopCheckInterval = 2048;
// Block size of the block-search pivot rule = kEmdBlockFactor * sqrt(n'*m'),
// clamped to [kEmdMinBlock, n'*m'].  Measured: see the table in the header.
// Small problems (the clouds of a pairwise matrix) pivot best with twice the
// factor: 50 x 50 uniform, f = 0.5 / 1 / 2: 52 / 45 / 48 us, 20 x 20:
// 11.4 / 8.8 us; at 200 x 200 the two are within noise.
constexpr double kEmdBlockFactor = 0.5;
constexpr double kEmdSmallBlockFactor = 1.0;
constexpr double kEmdSmallArcs = 10000.0;
constexpr int64_t kEmdMinBlock = 16;
constexpr EmdInitialBasis kEmdDefaultInitialBasis = EmdInitialBasis::row_minimum;

namespace ns_detail {

// Does the cost callable offer `row(i, j0, len, out)` (fill out[k] = C(i, j0+k))?
template <class C, class = void>
struct has_row : std::false_type {};
template <class C>
struct has_row<C, std::void_t<decltype(std::declval<const C&>().row(
                      int64_t{}, int64_t{}, int64_t{}, static_cast<double*>(nullptr)))>>
    : std::true_type {};

// Does it offer `row_squared(i, j0, len, out)` with C(i, j) == sqrt(out[k])
// (Euclidean distance)?  Then pricing screens arcs on the squared distance and
// takes square roots only for candidates.
template <class C, class = void>
struct has_row_squared : std::false_type {};
template <class C>
struct has_row_squared<C, std::void_t<decltype(std::declval<const C&>().row_squared(
                              int64_t{}, int64_t{}, int64_t{}, static_cast<double*>(nullptr)))>>
    : std::true_type {};

// Maximum of v[0..len) (-inf if empty).
inline double max_of(const double* v, int64_t len) {
    int64_t k = 0;
#ifdef PYDIV_NS_SSE2
    __m128d m0 = _mm_set1_pd(-std::numeric_limits<double>::infinity()), m1 = m0;
    for (; k + 4 <= len; k += 4) {
        m0 = _mm_max_pd(_mm_loadu_pd(v + k), m0);
        m1 = _mm_max_pd(_mm_loadu_pd(v + k + 2), m1);
    }
    m0 = _mm_max_pd(m0, m1);
    double lo = _mm_cvtsd_f64(m0), hi = _mm_cvtsd_f64(_mm_unpackhi_pd(m0, m0));
    double best = lo > hi ? lo : hi;
#else
    double best = -std::numeric_limits<double>::infinity();
#endif
    for (; k < len; ++k) best = v[k] > best ? v[k] : best;
    return best;
}

// Minimum of v[0..len) (+inf if empty).  NaN entries are ignored.
inline double min_of(const double* v, int64_t len) {
    int64_t k = 0;
#ifdef PYDIV_NS_SSE2
    __m128d m0 = _mm_set1_pd(std::numeric_limits<double>::infinity()), m1 = m0;
    for (; k + 4 <= len; k += 4) {
        m0 = _mm_min_pd(_mm_loadu_pd(v + k), m0);
        m1 = _mm_min_pd(_mm_loadu_pd(v + k + 2), m1);
    }
    m0 = _mm_min_pd(m0, m1);
    double lo = _mm_cvtsd_f64(m0), hi = _mm_cvtsd_f64(_mm_unpackhi_pd(m0, m0));
    double best = lo < hi ? lo : hi;
#else
    double m0 = std::numeric_limits<double>::infinity(), m1 = m0, m2 = m0, m3 = m0;
    for (; k + 4 <= len; k += 4) {
        m0 = v[k] < m0 ? v[k] : m0;
        m1 = v[k + 1] < m1 ? v[k + 1] : m1;
        m2 = v[k + 2] < m2 ? v[k + 2] : m2;
        m3 = v[k + 3] < m3 ? v[k + 3] : m3;
    }
    m0 = m1 < m0 ? m1 : m0;
    m2 = m3 < m2 ? m3 : m2;
    double best = m2 < m0 ? m2 : m0;
#endif
    for (; k < len; ++k) best = v[k] < best ? v[k] : best;
    return best;
}

}  // namespace ns_detail

class NetworkSimplex {
public:
    NetworkSimplex() = default;

    // Tuning knobs (mainly for benchmarks).  block_size <= 0: automatic.
    void set_block_size(int64_t block_size) { user_block_ = block_size; }
    void set_block_factor(double f) { block_factor_ = f; }
    void set_initial_basis(EmdInitialBasis b) { init_basis_ = b; }

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
    static constexpr double kInf = std::numeric_limits<double>::infinity();
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    static constexpr int64_t kPriceChunk = 64;  // reduced costs priced per chunk
    static constexpr double kScreenRel = 1.0 + 1e-12;
    static constexpr double kOffsetLimit = 16.0;  // renormalise when |r[R]| > this * max|C|
    alignas(16) double price_buf_[kPriceChunk];
    alignas(16) double screen_buf_[kPriceChunk];
    double screen_slack_ = 0.0;  // absolute slack of the sqrt screening
    double maxabs_ = 0.0;        // max |C| over finite costs

    // ---- problem (internal, compacted indices) ----
    int64_t n_ = 0, m_ = 0;         // kept rows / columns
    int64_t root_ = 0;              // = n_ + m_
    std::vector<int64_t> rows_;     // kept row -> original row
    std::vector<int64_t> cols_;     // kept column -> original column
    std::vector<double> supply_;    // node supply: a_i (>0) for rows, -b'_j (<0) for columns
    double total_ = 0.0;            // sum of kept a
    double mrank_ = 1.0;            // value standing for "M" in the pricing (power of two)
    int64_t block_ = 1;
    int64_t cur_i_ = 0, cur_j_ = 0;  // block-search cursor
    int64_t n_art_ = 0;

    // ---- spanning tree (see invariants above) ----
    std::vector<int64_t> parent_, size_, last_, thread_, rev_;
    std::vector<unsigned char> up_;
    std::vector<double> flow_, r_, km_;
    std::vector<double> mag_;  // error scale of r (see kEmdPriceRelTol)

    // ---- pivot scratch (sized once per solve; no allocation while pivoting) ----
    std::vector<int64_t> stem_, ends_, sv_thread_x_, sv_rev_x_, sv_thread_e_;
    std::vector<int64_t> row_arg_;  // cheapest column per row (row_minimum start)
    std::vector<double> row_val_;
    std::vector<unsigned char> col_ok_;
    std::vector<double> acc_;
    bool have_basis_ = false;  // a spanning tree exists for the current problem

    // ---- outputs ----
    std::vector<double> u_, v_;
    std::vector<int64_t> plan_rows_, plan_cols_;
    std::vector<double> plan_mass_;

    // ---- options ----
    int64_t user_block_ = 0;
    double block_factor_ = kEmdBlockFactor;
    EmdInitialBasis init_basis_ = kEmdDefaultInitialBasis;

    void link(int64_t a, int64_t b) {
        thread_[a] = b;
        rev_[b] = a;
    }

    template <class C, class Stop>
    EmdStatus run(C& cost, int64_t max_iter, Stop& should_stop, int64_t& n_iter);
    template <class C>
    EmdStatus scan_costs(C& cost);
    void init_artificial();
    void init_row_minimum();
    template <bool kSingleComponent, class C>
    bool find_entering(C& cost, int64_t& ei, int64_t& ej);
    int64_t find_join(int64_t x, int64_t y) const;
    bool find_leaving(int64_t in_i, int64_t in_j, int64_t join, int64_t& q, bool& q_on_i_side,
                      double& delta) const;
    void change_flow(int64_t in_i, int64_t in_j, int64_t join, double delta);
    void update_tree(int64_t s, int64_t t, int64_t q, int64_t join, double delta, double shift_r,
                     double shift_k);
    template <class C>
    void recompute_potentials(C& cost, bool path_scale);
    void recompute_flows();
    template <class C, class Orig>
    double finish(EmdStatus& status, C& cost, Orig& orig_cost);
    template <class C>
    void duals_from_first_column(C& cost);
};

// ===========================================================================
// Implementation
// ===========================================================================

template <class Cost, class Stop>
EmdSolution NetworkSimplex::solve(const double* a, int64_t n, const double* b, int64_t m,
                                  Cost&& cost, int64_t max_iter, Stop&& should_stop) {
    EmdSolution sol{kNaN, EmdStatus::invalid_input, 0};
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

    // ---- weights: validate, drop zero masses, totals ----
    rows_.clear();
    cols_.clear();
    double sa = 0.0, sb = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const double w = a[i];
        if (!(w >= 0.0) || w == kInf) return sol;  // NaN, negative or +inf
        if (w > 0.0) {
            rows_.push_back(i);
            sa += w;
        }
    }
    for (int64_t j = 0; j < m; ++j) {
        const double w = b[j];
        if (!(w >= 0.0) || w == kInf) return sol;
        if (w > 0.0) {
            cols_.push_back(j);
            sb += w;
        }
    }
    n_ = static_cast<int64_t>(rows_.size());
    m_ = static_cast<int64_t>(cols_.size());
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

    // ---- node supplies (columns rescaled to the row total) ----
    const double scale = sa / sb;
    total_ = sa;
    supply_.resize(static_cast<size_t>(n_ + m_));
    for (int64_t i = 0; i < n_; ++i) supply_[i] = a[rows_[i]];
    for (int64_t j = 0; j < m_; ++j) supply_[n_ + j] = -(b[cols_[j]] * scale);

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

// One pass over all costs: validity, max |C|, row minima (for the crash start),
// rows / columns without any finite arc (=> infeasible).
template <class C>
EmdStatus NetworkSimplex::scan_costs(C& cost) {
    const int64_t n = n_, m = m_;
    row_arg_.resize(static_cast<size_t>(n));
    row_val_.resize(static_cast<size_t>(n));
    col_ok_.assign(static_cast<size_t>(m), 0);
    double maxabs = 0.0;
    bool nan_seen = false, empty_row = false;
    double* buf = price_buf_;
    for (int64_t i = 0; i < n; ++i) {
        double best = kInf;
        int64_t arg = -1;
        for (int64_t j0 = 0; j0 < m; j0 += kPriceChunk) {
            const int64_t cl = std::min(kPriceChunk, m - j0);
            if constexpr (ns_detail::has_row<C>::value) {
                cost.row(i, j0, cl, buf);
            } else {
                for (int64_t k = 0; k < cl; ++k) buf[k] = cost(i, j0 + k);
            }
            for (int64_t k = 0; k < cl; ++k) {
                const double c = buf[k];
                if (c < kInf) {
                    maxabs = std::max(maxabs, std::fabs(c));
                    if (c < best) {
                        best = c;
                        arg = j0 + k;
                    }
                    col_ok_[j0 + k] = 1;
                } else if (c != c) {
                    nan_seen = true;
                }
            }
        }
        row_arg_[i] = arg;
        row_val_[i] = best;
        if (arg < 0) empty_row = true;
    }
    if (nan_seen || !(maxabs < kInf)) return EmdStatus::invalid_input;
    // Mrank: power of two >= 2 * N * max|C| (see header).  Potentials' real
    // parts are bounded by (N - 1) max|C| in magnitude.
    const double target = 2.0 * static_cast<double>(n + m + 1) * maxabs;
    if (!(target < 1e300)) return EmdStatus::invalid_input;
    mrank_ = 1.0;
    if (target > 1.0) {
        int e = 0;
        std::frexp(target, &e);
        mrank_ = std::ldexp(1.0, e);
    }
    maxabs_ = maxabs;
    // |r| <= N max|C| and |km| <= Mrank <= 4 N max|C|: the rounding of the
    // reduced cost and of T is below a few ulps of ~10 N max|C|.
    screen_slack_ = 64.0 * std::numeric_limits<double>::epsilon() *
                    static_cast<double>(n + m + 1) * (maxabs + 1e-300) * 10.0;
    if (empty_row) return EmdStatus::infeasible;
    for (int64_t j = 0; j < m; ++j)
        if (!col_ok_[j]) return EmdStatus::infeasible;
    return EmdStatus::optimal;
}

inline void NetworkSimplex::init_artificial() {
    const int64_t R = root_;
    // Preorder: R, 0, 1, ..., R - 1.
    for (int64_t x = 0; x < R; ++x) {
        parent_[x] = R;
        size_[x] = 1;
        last_[x] = x;
        thread_[x] = x + 1;
        rev_[x] = x - 1;
        r_[x] = 0.0;
        mag_[x] = 0.0;
        if (x < n_) {  // supply: x -> R carries a_x
            up_[x] = 1;
            flow_[x] = supply_[x];
            km_[x] = mrank_;
        } else {  // demand: R -> x carries b_x
            up_[x] = 0;
            flow_[x] = -supply_[x];
            km_[x] = -mrank_;
        }
    }
    thread_[R - 1] = R;
    rev_[0] = R;
    thread_[R] = 0;
    rev_[R] = R - 1;
    parent_[R] = -1;
    size_[R] = R + 1;
    last_[R] = R - 1;
    up_[R] = 0;
    flow_[R] = 0.0;
    r_[R] = 0.0;
    km_[R] = 0.0;
    n_art_ = R;
}

inline void NetworkSimplex::init_row_minimum() {
    const int64_t n = n_, m = m_, R = root_;
    // Bucket the rows by their cheapest column (counting sort, reuses scratch).
    int64_t* start = ends_.data();       // m + 1 entries
    int64_t* order = sv_thread_x_.data();  // n entries
    std::fill(start, start + m + 1, int64_t{0});
    for (int64_t i = 0; i < n; ++i) ++start[row_arg_[i] + 1];
    for (int64_t j = 0; j < m; ++j) start[j + 1] += start[j];
    {
        int64_t* pos = stem_.data();
        std::copy(start, start + m, pos);
        for (int64_t i = 0; i < n; ++i) order[pos[row_arg_[i]]++] = i;
    }
    parent_[R] = -1;
    size_[R] = R + 1;
    up_[R] = 0;
    flow_[R] = 0.0;
    r_[R] = 0.0;
    km_[R] = 0.0;
    int64_t prev = R;
    for (int64_t j = 0; j < m; ++j) {
        const int64_t y = n + j;
        double res = -supply_[y];  // b'_j minus what the rows send
        for (int64_t k = start[j]; k < start[j + 1]; ++k) res -= supply_[order[k]];
        parent_[y] = R;
        size_[y] = 1 + (start[j + 1] - start[j]);
        r_[y] = 0.0;
        mag_[y] = 0.0;
        if (res >= 0.0) {  // R -> y, possibly zero flow (directed away from root)
            up_[y] = 0;
            flow_[y] = res;
            km_[y] = -mrank_;
        } else {  // y -> R, positive flow
            up_[y] = 1;
            flow_[y] = -res;
            km_[y] = mrank_;
        }
        link(prev, y);
        prev = y;
        for (int64_t k = start[j]; k < start[j + 1]; ++k) {
            const int64_t x = order[k];
            parent_[x] = y;
            size_[x] = 1;
            last_[x] = x;
            up_[x] = 1;  // real arc x -> y
            flow_[x] = supply_[x];
            r_[x] = row_val_[x];  // pi_x = C(x, j) + pi_y
            mag_[x] = std::fabs(r_[x]);
            km_[x] = km_[y];
            link(prev, x);
            prev = x;
        }
        last_[y] = prev;
    }
    link(prev, R);
    last_[R] = prev;
    n_art_ = m;
}

// Step 1 of a pivot: block search.  Scan arcs in row-major order from the
// cursor, block_ arcs at a time; after each block, if an arc with negative
// reduced cost was seen, return the most negative of that block.  A full cycle
// without candidates proves optimality (w.r.t. the current potentials).
template <bool kSingleComponent, class C>
bool NetworkSimplex::find_entering(C& cost, int64_t& ei, int64_t& ej) {
    const int64_t n = n_, m = m_;
    const double* rv = r_.data() + n;
    const double* kv = km_.data() + n;
    const double* ru = r_.data();
    const double* ku = km_.data();
    const double* magv = mag_.data() + n;
    const int64_t total = n * m;
    double* buf = price_buf_;
    double best = 0.0;  // the most negative score so far
    int64_t bi = -1, bj = -1;
    int64_t i = cur_i_, j = cur_j_;
    int64_t scanned = 0, left = block_;
    while (scanned < total) {
        int64_t len = std::min(m - j, left);
        len = std::min(len, total - scanned);
        const int64_t jend = j + len;
        const double ri = ru[i];
        const double ari = mag_[i];
        const double ki = ku[i];
        int64_t rowbest = -1;
        // Reduced costs of a chunk go to buf (these loops vectorise), then a
        // vectorised min; the index is looked up only if the chunk improves.
        for (int64_t c0 = j; c0 < jend; c0 += kPriceChunk) {
            const int64_t cl = std::min(kPriceChunk, jend - c0);
            const double* rvc = rv + c0;
            const double* kvc = kv + c0;
            const double* mvc = magv + c0;
            if constexpr (ns_detail::has_row_squared<C>::value) {
                // score < best needs rc < best  <=>  sqrt(s) < T := best + ri -
                // rv[j] (- dk M).  Test s < U |U| (1 + slack) with U = T +
                // screen_slack_, which is implied by the exact test despite
                // rounding; the exact score (as the generic path) only for
                // survivors.
                cost.row_squared(i, c0, cl, buf);
                double* scr = screen_buf_;
                const double bi0 = best + ri;
                for (int64_t k = 0; k < cl; ++k) {
                    double t = bi0 - rvc[k];
                    if constexpr (!kSingleComponent) t -= kvc[k] - ki;
                    t += screen_slack_;
                    scr[k] = t * std::fabs(t) * kScreenRel - buf[k];
                }
                if (ns_detail::max_of(scr, cl) > 0.0) {
                    for (int64_t k = 0; k < cl; ++k) {
                        if (!(scr[k] > 0.0)) continue;
                        const double c = std::sqrt(buf[k]);
                        double rc = (c - ri) + rvc[k];
                        if constexpr (!kSingleComponent) rc += kvc[k] - ki;
                        const double score = rc + kEmdPriceRelTol * ((c + ari) + mvc[k]);
                        if (score < best) {
                            best = score;
                            rowbest = c0 + k;
                        }
                    }
                }
                continue;
            } else if constexpr (ns_detail::has_row<C>::value) {
                cost.row(i, c0, cl, buf);
            } else {
                for (int64_t k = 0; k < cl; ++k) buf[k] = cost(i, c0 + k);
            }
            // The score: the reduced cost plus its tolerance (see kEmdPriceRelTol).
            if constexpr (kSingleComponent) {
                for (int64_t k = 0; k < cl; ++k) {
                    const double c = buf[k];
                    buf[k] = ((c - ri) + rvc[k]) + kEmdPriceRelTol * ((std::fabs(c) + ari) + mvc[k]);
                }
            } else {
                for (int64_t k = 0; k < cl; ++k) {
                    const double c = buf[k];
                    buf[k] = (((c - ri) + rvc[k]) + (kvc[k] - ki)) +
                             kEmdPriceRelTol * ((std::fabs(c) + ari) + mvc[k]);
                }
            }
            const double cmin = ns_detail::min_of(buf, cl);
            if (cmin < best) {
                int64_t k = 0;
                while (!(buf[k] == cmin)) ++k;
                best = cmin;
                rowbest = c0 + k;
            }
        }
        if (rowbest >= 0) {
            bi = i;
            bj = rowbest;
        }
        scanned += len;
        left -= len;
        j = jend;
        if (j == m) {
            j = 0;
            if (++i == n) i = 0;
        }
        if (left == 0) {
            if (bi >= 0) break;
            left = block_;
        }
    }
    cur_i_ = i;
    cur_j_ = j;
    if (bi < 0) return false;
    ei = bi;
    ej = bj;
    return true;
}

// Step 2: join node (apex of the pivot cycle) = lowest common ancestor.  A
// proper ancestor has a strictly larger subtree, so the node with the smaller
// subtree (either one on a tie) is not the ancestor: move it up.
inline int64_t NetworkSimplex::find_join(int64_t x, int64_t y) const {
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
inline bool NetworkSimplex::find_leaving(int64_t in_i, int64_t in_j, int64_t join, int64_t& q,
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
inline void NetworkSimplex::change_flow(int64_t in_i, int64_t in_j, int64_t join, double delta) {
    if (delta == 0.0) return;
    const int64_t* par = parent_.data();
    const unsigned char* up = up_.data();
    double* fl = flow_.data();
    for (int64_t x = in_i; x != join; x = par[x]) fl[x] += up[x] ? -delta : delta;
    for (int64_t y = in_j; y != join; y = par[y]) fl[y] += up[y] ? delta : -delta;
}

// Steps 5 + 6: tree and potential update.  Remove the tree arc (q, parent[q]);
// the subtree T_q of q (which contains s) is re-rooted at s along the stem
// s = x_0, x_1 = parent(x_0), ..., x_k = q and hung below t by the entering
// arc; then the potentials of one side are shifted so that rc(in) == 0.
//
// Preorder of the re-rooted subtree: with B_l the old subtree of x_l (the
// thread run x_l .. e_l, e_l = last[x_l]), the new order is
//   B_0, x_1, (B_1 \ B_0 \ x_1), x_2, (B_2 \ B_1 \ x_2), ..., x_k, (...)
// where each B_l \ B_{l-1} \ x_l is at most two old runs: thread[x_l] ..
// rev[x_{l-1}] and thread[e_{l-1}] .. e_l.  The splice, sizes and last[] are
// O(k + depth); only the potential shift visits a subtree, and it visits the
// smaller of T_q and its complement.
inline void NetworkSimplex::update_tree(int64_t s, int64_t t, int64_t q, int64_t join, double delta,
                                        double shift_r, double shift_k) {
    int64_t* X = stem_.data();
    int64_t* E = ends_.data();
    int64_t* par = parent_.data();
    int64_t* sz = size_.data();
    int64_t* lst = last_.data();
    int64_t* thr = thread_.data();
    int64_t* rv = rev_.data();

    int64_t k = 0;
    for (int64_t x = s;; x = par[x]) {
        X[k] = x;
        E[k] = lst[x];
        if (x == q) break;
        ++k;
    }
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

    // The new ancestors of s gain T_q; the run ends their subtree if t did.
    for (int64_t y = t; y != join; y = par[y]) sz[y] += sq;
    for (int64_t y = t; y >= 0 && lst[y] == t; y = par[y]) lst[y] = tail;

    // Reverse the stem: the arc (x_{l-1}, x_l) now belongs to child x_l, whose
    // subtree is T_q minus the old subtree of x_{l-1} and ends at the tail.
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
    sz[s] = sq;
    lst[s] = tail;
    par[s] = t;
    fl[s] = delta;
    up[s] = static_cast<unsigned char>(s < n_);  // entering arc s -> t iff s is the supply end

    // Step 6: potentials.  Shift T_q by +shift, or (when T_q is the larger
    // side) everything else, root included, by -shift.
    const int64_t N = root_ + 1;
    int64_t x, count;
    double dr = shift_r, dk = shift_k;
    if (2 * sq <= N) {
        x = s;
        count = sq;
    } else {
        x = nt;  // = thread[tail]: the complement, in thread order
        count = N - sq;
        dr = -dr;
        dk = -dk;
    }
    double* pr = r_.data();
    if (dk == 0.0) {
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
    // Keep the global offset small (precision of the real parts).
    const int64_t R = root_;
    if (std::fabs(pr[R]) > kOffsetLimit * maxabs_) {
        const double g = pr[R], gk = km_[R];
        double* pk = km_.data();
        for (int64_t y = 0; y < N; ++y) {
            pr[y] -= g;
            mag_[y] = std::max(mag_[y], std::fabs(pr[y]));
            pk[y] -= gk;
        }
    }
}

// Exact potentials from the tree (preorder walk): removes drift of the
// incremental updates, and the global offset.
template <class C>
void NetworkSimplex::recompute_potentials(C& cost, bool path_scale) {
    const int64_t R = root_;
    r_[R] = 0.0;
    km_[R] = 0.0;
    mag_[R] = 0.0;
    for (int64_t x = thread_[R]; x != R; x = thread_[x]) {
        const int64_t p = parent_[x];
        if (p == R) {
            r_[x] = 0.0;
            km_[x] = up_[x] ? mrank_ : -mrank_;
        } else if (x < n_) {  // arc x -> p
            r_[x] = cost(x, p - n_) + r_[p];
            km_[x] = km_[p];
        } else {  // arc p -> x
            r_[x] = r_[p] - cost(p, x - n_);
            km_[x] = km_[p];
        }
        mag_[x] = path_scale ? std::max(mag_[p], std::fabs(r_[x])) : std::fabs(r_[x]);  // mag_[R] == 0
    }
}

// Exact basic flows from the supplies: leaves first (reverse preorder), the
// arc of x carries the net supply of the subtree of x.
inline void NetworkSimplex::recompute_flows() {
    const int64_t R = root_;
    double* sub = acc_.data();
    std::copy(supply_.begin(), supply_.end(), sub);
    for (int64_t x = rev_[R]; x != R; x = rev_[x]) {
        const int64_t p = parent_[x];
        flow_[x] = up_[x] ? sub[x] : -sub[x];
        if (p != R) sub[p] += sub[x];
    }
}

template <class C, class Stop>
EmdStatus NetworkSimplex::run(C& cost, int64_t max_iter, Stop& should_stop, int64_t& n_iter) {
    const int64_t n = n_, m = m_;
    const int64_t N = n + m + 1;
    root_ = n + m;
    n_iter = 0;
    EmdStatus st = scan_costs(cost);
    if (st != EmdStatus::optimal) return st;

    const size_t NN = static_cast<size_t>(N);
    parent_.resize(NN);
    size_.resize(NN);
    last_.resize(NN);
    thread_.resize(NN);
    rev_.resize(NN);
    up_.resize(NN);
    flow_.resize(NN);
    r_.resize(NN);
    mag_.resize(NN);
    km_.resize(NN);
    stem_.resize(NN + 1);
    ends_.resize(NN + 1);
    sv_thread_x_.resize(NN + 1);
    sv_rev_x_.resize(NN + 1);
    sv_thread_e_.resize(NN + 1);
    acc_.resize(NN);

    if (init_basis_ == EmdInitialBasis::row_minimum)
        init_row_minimum();
    else
        init_artificial();
    have_basis_ = true;

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
        const int64_t in_i = ei, in_j = n + ej;
        const double rc_r = cost(ei, ej) - r_[in_i] + r_[in_j];
        const double rc_k = km_[in_j] - km_[in_i];
        // Step 2: apex of the cycle.
        const int64_t join = find_join(in_i, in_j);
        // Step 3: leaving arc (child node q) and step length.
        int64_t q;
        bool q_on_i_side;
        double delta;
        if (!find_leaving(in_i, in_j, join, q, q_on_i_side, delta))
            return EmdStatus::infeasible;  // unbounded: impossible for this graph
        // Step 4: flow change around the cycle.
        change_flow(in_i, in_j, join, delta);
        // Steps 5 + 6: swap the arcs in the tree (the subtree of q moves below
        // the other end of the entering arc), then shift the potentials of the
        // smaller side so that rc(in) becomes 0.
        if (parent_[q] == root_) --n_art_;
        const int64_t s = q_on_i_side ? in_i : in_j;
        const int64_t t = q_on_i_side ? in_j : in_i;
        const double sign = q_on_i_side ? 1.0 : -1.0;
        update_tree(s, t, q, join, delta, sign * rc_r, sign * rc_k);
        dirty = true;
        ++n_iter;
    }
}

// Outputs in original indices.  Returns the cost.
template <class C, class Orig>
double NetworkSimplex::finish(EmdStatus& status, C& cost, Orig& orig_cost) {
    const int64_t n = n_, m = m_, R = root_;
    const int64_t no = static_cast<int64_t>(u_.size()), mo = static_cast<int64_t>(v_.size());
    if (status == EmdStatus::invalid_input) return kNaN;
    if (status == EmdStatus::infeasible && !have_basis_) return kInf;

    double total_cost = 0.0;
    if (have_basis_) {
        recompute_flows();
        recompute_potentials(cost, true);
        // Feasibility: artificial arcs must be (numerically) empty.
        const double tol = kEmdFeasUlps * std::numeric_limits<double>::epsilon() *
                           static_cast<double>(n + m) * total_;
        bool art_flow = false;
        for (int64_t x = thread_[R]; x != R; x = thread_[x])
            if (parent_[x] == R && std::fabs(flow_[x]) > tol) art_flow = true;
        if (status == EmdStatus::optimal && art_flow) status = EmdStatus::infeasible;

        // Plan (real tree arcs with positive flow) and its cost.
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
        if (status == EmdStatus::infeasible) return kInf;

        // M*: with a forest of real components (n_art > 1) the components'
        // potentials differ by multiples of M; pick the smallest M* >= 0 that
        // keeps every real arc dual feasible.  At optimality only arcs with
        // k_i = -1, k_j = +1 constrain it (those with k_i = +1, k_j = -1 would
        // have entered the basis).
        double mstar = 0.0;
        if (status == EmdStatus::optimal && n_art_ > 1) {
            for (int64_t i = 0; i < n; ++i) {
                if (km_[i] > 0.0) continue;
                for (int64_t j = 0; j < m; ++j) {
                    if (km_[n + j] < 0.0) continue;
                    const double c = cost(i, j);
                    if (c < kInf) mstar = std::max(mstar, 0.5 * (r_[i] - r_[n + j] - c));
                }
            }
        }
        // Gauge: v at the first column with positive mass (kept column 0) is 0.
        const double g = -(r_[n] + (km_[n] > 0.0 ? mstar : -mstar));
        for (int64_t i = 0; i < n; ++i)
            u_[rows_[i]] = (r_[i] + (km_[i] > 0.0 ? mstar : -mstar)) + g;
        for (int64_t j = 0; j < m; ++j)
            v_[cols_[j]] = -(r_[n + j] + (km_[n + j] > 0.0 ? mstar : -mstar)) - g;
        duals_from_first_column(cost);
    }

    // Potentials of removed (zero-mass) rows, then columns.
    if (n < no) {
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
    if (m < mo) {
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
    return total_cost;
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

}  // namespace pydiv
