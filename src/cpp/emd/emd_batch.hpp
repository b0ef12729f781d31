// Batched exact EMD: B independent transport problems of one size (n, m),
// solved by the network simplex (network_simplex.hpp) on OpenMP threads,
// one problem per task (dynamic schedule: solve times vary a lot).  Plain
// C++17, header only, no Python.
//
//   EmdBatch out;
//   solve_emd_batch(B, n, m, threads, solve_one, should_stop, out);
//
//   solve_one(NetworkSimplex& ns, int64_t k, Stop& stop) -> EmdSolution
//       solves problem k in ns (a workspace of the calling thread) and
//       passes `stop` on to ns.solve.
//   should_stop()  the caller's interrupt check (e.g. Ctrl-C).  Only the
//       thread that called solve_emd_batch calls it (a Python signal check
//       is only meaningful there); the other threads read a shared flag.
//
// Invariants.
//   * Determinism: each problem is solved alone, from a reset workspace,
//     exactly as a single call of ns.solve would solve it (solve() keeps no
//     state from an earlier problem), so the results are bitwise those of B
//     single calls, whatever the thread count or the schedule.
//   * Outputs are per problem: cost[k], status[k], n_iter[k], u[k n ..],
//     v[k m ..], and plan entries offsets[k] <= e < offsets[k + 1] of rows,
//     cols, mass, in the order the single call gives them.
//   * Interrupts (core/task_batch.hpp): once should_stop() returns true,
//     every solve in progress stops at its next check (status interrupted)
//     and no further problem starts (status interrupted, cost NaN,
//     u = v = NaN, empty plan).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/task_batch.hpp"
#include "emd/network_simplex.hpp"

namespace pydiv {

struct EmdBatch {
    std::vector<double> cost;
    std::vector<int> status;
    std::vector<int64_t> n_iter;
    std::vector<double> u, v;  // (B, n) and (B, m), row-major
    std::vector<int64_t> offsets;  // B + 1
    std::vector<int64_t> rows, cols;
    std::vector<double> mass;
};

namespace emd_batch_detail {

// The solver workspace of the calling thread, kept across calls so that its
// buffers are allocated once per thread.
inline NetworkSimplex& workspace() {
    thread_local NetworkSimplex ns;
    return ns;
}

// Per-problem plan, gathered after the parallel loop (problems finish in any
// order; the concatenation is in problem order).
struct Plan {
    std::vector<int64_t> rows, cols;
    std::vector<double> mass;
};

template <class SolveOne, class Stop>
void solve_into(int64_t k, int64_t n, int64_t m, SolveOne& solve_one, Stop& stop, EmdBatch& out,
                std::vector<Plan>& plans) {
    NetworkSimplex& ns = workspace();
    const EmdSolution s = solve_one(ns, k, stop);
    out.cost[k] = s.cost;
    out.status[k] = static_cast<int>(s.status);
    out.n_iter[k] = s.n_iter;
    std::copy(ns.u().begin(), ns.u().end(), out.u.begin() + k * n);
    std::copy(ns.v().begin(), ns.v().end(), out.v.begin() + k * m);
    plans[k].rows = ns.plan_rows();
    plans[k].cols = ns.plan_cols();
    plans[k].mass = ns.plan_mass();
}

inline void concatenate(const std::vector<Plan>& plans, EmdBatch& out) {
    const size_t B = plans.size();
    out.offsets.assign(B + 1, 0);
    for (size_t k = 0; k < B; ++k) out.offsets[k + 1] = out.offsets[k] + static_cast<int64_t>(plans[k].mass.size());
    const size_t total = static_cast<size_t>(out.offsets[B]);
    out.rows.resize(total);
    out.cols.resize(total);
    out.mass.resize(total);
    for (size_t k = 0; k < B; ++k) {
        const size_t at = static_cast<size_t>(out.offsets[k]);
        std::copy(plans[k].rows.begin(), plans[k].rows.end(), out.rows.begin() + at);
        std::copy(plans[k].cols.begin(), plans[k].cols.end(), out.cols.begin() + at);
        std::copy(plans[k].mass.begin(), plans[k].mass.end(), out.mass.begin() + at);
    }
}

}  // namespace emd_batch_detail

template <class SolveOne, class Stop>
void solve_emd_batch(int64_t B, int64_t n, int64_t m, int threads, SolveOne&& solve_one, Stop&& should_stop,
                     EmdBatch& out) {
    using namespace emd_batch_detail;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const size_t nb = static_cast<size_t>(B < 0 ? 0 : B);
    out.cost.assign(nb, kNaN);
    out.status.assign(nb, static_cast<int>(EmdStatus::interrupted));
    out.n_iter.assign(nb, 0);
    out.u.assign(nb * static_cast<size_t>(n), kNaN);
    out.v.assign(nb * static_cast<size_t>(m), kNaN);
    std::vector<Plan> plans(nb);
    run_tasks(
        B, threads, [&](int64_t k, auto& stop) { solve_into(k, n, m, solve_one, stop, out, plans); }, should_stop);
    concatenate(plans, out);
}

}  // namespace pydiv
