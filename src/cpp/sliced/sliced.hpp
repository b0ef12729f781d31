// Sliced Wasserstein kernels: the p-th powers W_p^p of the one-dimensional
// Wasserstein distances between the projections of two point clouds on L
// given directions (the Python layer averages them and takes the root), and
// the sums of these powers between every pair of clouds of two sets.
//
// Algorithm (fused, never holding the L x n projected matrix): the
// directions are cut into blocks (project.hpp, block_directions).  For a block, each
// cloud is projected on the block's directions (a small register-blocked
// GEMM whose (block, n) result fits in cache), each projected row is sorted
// (radix_sort.hpp, weights carried along), and the sorted rows of the two
// clouds are merged by the one-dimensional sorted-CDF / quantile kernel of
// wasserstein_1d.hpp, which gives W_p.  Blocks run on OpenMP threads.
// Many clouds (sliced_pairs): for a block, every cloud is projected and
// sorted once (the per-cloud preparation), then every pair of clouds is one
// 1-D merge per direction.
// Invariants: each direction's W_p^p is computed by one thread with a fixed
// order of operations, and sums over directions are taken in direction
// order, so results do not depend on the thread count or the schedule.
// Float inputs are widened to double before projecting; all sums are double.
// The inputs are trusted: finite coordinates, weights >= 0 with a positive
// total, unit (or at least non-zero) directions, p >= 1 (the Python layer
// checks them).
// Ctrl-C: `stop` is called by the calling thread (OpenMP thread 0) after each
// of its blocks; once it returns true no further block starts and the call
// returns Status::interrupted (the outputs are then incomplete).
// Reference: J. Rabin, G. Peyre, J. Delon, M. Bernot, "Wasserstein barycenter
// and its application to texture mixing", SSVM 2011 (the sliced distance);
// N. Bonneel, J. Rabin, G. Peyre, H. Pfister, "Sliced and Radon Wasserstein
// barycenters of measures", JMIV 51 (2015).
#pragma once

#include <cstdint>

namespace pydiv {
namespace sliced {

// A callable `bool()` by pointer, so the kernels need no template on it.
struct StopCheck {
    bool (*fn)(void*) = nullptr;
    void* ctx = nullptr;
    bool operator()() const { return fn != nullptr && fn(ctx); }
};

enum class Status : int { ok = 0, interrupted = 1 };

// n points of dimension d, row-major (x[i * d + j]); w: n weights or nullptr.
template <class T>
struct Cloud {
    const T* x = nullptr;
    const double* w = nullptr;
    std::int64_t n = 0;
};

// count clouds stored one after another: cloud c holds the points
// offsets[c] <= i < offsets[c + 1] of x (row-major, dimension d) and of w.
template <class T>
struct CloudSet {
    const T* x = nullptr;
    const double* w = nullptr;
    const std::int64_t* offsets = nullptr;
    std::int64_t count = 0;
};

// out[l] = W_p^p(theta_l # u, theta_l # v) for the directions theta (L, d),
// row-major.  threads <= 0: the OpenMP default.
template <class T>
Status sliced_wpp(const Cloud<T>& u, const Cloud<T>& v, std::int64_t d, const double* theta, std::int64_t L,
                  double p, double* out, int threads, const StopCheck& stop);

// out[i * ys.count + j] = sum over l of W_p^p(theta_l # xs_i, theta_l # ys_j)
// (sum in direction order).  same: ys is xs; then only i < j is computed,
// mirrored, and the diagonal is 0.
template <class T>
Status sliced_pairs(const CloudSet<T>& xs, const CloudSet<T>& ys, bool same, std::int64_t d, const double* theta,
                    std::int64_t L, double p, double* out, int threads, const StopCheck& stop);

}  // namespace sliced
}  // namespace pydiv
