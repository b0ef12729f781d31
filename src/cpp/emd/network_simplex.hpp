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
// Where it lives (each file opens with its algorithm and invariants):
//   emd_status.hpp          statuses, results, tolerances and tuned constants
//   simplex_solver.hpp      class NetworkSimplex: the node numbering, the
//                           symbolic big M, the spanning-tree arrays and
//                           their invariants
//   simplex_pivot_loop.hpp  solve() and the pivot loop
//   simplex_start.hpp       the cost scan and the first basis
//   simplex_pricing.hpp     the block search for the entering arc (with the
//                           measurements behind the defaults)
//   spanning_tree.hpp       the tree arrays (shared with the sparse solver):
//                           leaving arc, flow change, tree and potential
//                           updates, exact flow recompute
//   simplex_duals.hpp       plan, feasibility verdict, duals, zero-mass fix-ups
//   simplex_warm.hpp        warm start from the basic arcs of an earlier plan
// Reference: Ahuja, Magnanti and Orlin, "Network Flows" (1993), ch. 11;
// Kelly and O'Neill (1991); Grigoriadis (1986) for block pivoting.  Own
// implementation.
#pragma once

#include "emd/emd_status.hpp"
#include "emd/simplex_solver.hpp"
// The member functions, by concern.
#include "emd/simplex_duals.hpp"
#include "emd/simplex_pivot_loop.hpp"
#include "emd/simplex_pricing.hpp"
#include "emd/simplex_start.hpp"
#include "emd/spanning_tree.hpp"
#include "emd/simplex_warm.hpp"
