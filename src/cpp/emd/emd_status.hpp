// Statuses, results and tuned constants of the exact EMD solver
// (network_simplex.hpp).  Plain C++17, no Python.
//
// What each status certifies is documented in network_simplex.hpp; the
// tolerances below say why each has its value (the block-size measurements
// are in simplex_pricing.hpp).  Invariant: the constants are the only
// tuning of the solver; the Python layer reads the status names.
#pragma once

#include <cstdint>

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
// clamped to [kEmdMinBlock, n'*m'].  Measured: see the table in simplex_pricing.hpp.
// Small problems (the clouds of a pairwise matrix) pivot best with twice the
// factor: 50 x 50 uniform, f = 0.5 / 1 / 2: 52 / 45 / 48 us, 20 x 20:
// 11.4 / 8.8 us; at 200 x 200 the two are within noise.
constexpr double kEmdBlockFactor = 0.5;
constexpr double kEmdSmallBlockFactor = 1.0;
constexpr double kEmdSmallArcs = 10000.0;
constexpr int64_t kEmdMinBlock = 16;
constexpr EmdInitialBasis kEmdDefaultInitialBasis = EmdInitialBasis::row_minimum;

}  // namespace pydiv
