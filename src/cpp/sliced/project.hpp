// Projection of a point cloud on a block of directions: the dense product
// P = Theta_B X^T of a (B, d) block of directions and the (n, d) cloud.
//
// Algorithm: the cloud is transposed once into float64 columns XT (d, n_pad),
// n_pad = n rounded up to kTile with zero points, so each coordinate is a
// contiguous row.  A register-blocked micro-kernel computes a kDirTile x
// kTile tile of P: for every coordinate j it adds theta[k][j] * XT[j][i0..]
// to kDirTile * kTile accumulators that stay in registers; for a block of
// kBlock directions the kDirTile-direction tiles reuse the same XT tile from
// L1.  The accumulation order over j is fixed, so a projected value does not
// depend on the block, the tile or the thread that computes it.
// Invariants: P[k][i] = sum_j theta[k][j] * x[i][j] for i < n, summed in
// float64 in the order j = 0, 1, ..., d - 1 (float inputs are widened first).
// Memory: XT holds d * n_pad doubles; a projected block kBlock * n_pad.
// Reference: K. Goto, R. van de Geijn, "Anatomy of high-performance matrix
// multiplication", ACM TOMS 34 (2008) (register blocking of the micro-kernel).
#pragma once

#include <cstdint>
#include <vector>

namespace pydiv {
namespace sliced {

constexpr std::int64_t kTile = 8;     // points per micro-tile
constexpr std::int64_t kDirTile = 4;  // directions per micro-tile
constexpr std::int64_t kBlock = 8;    // directions per block (a multiple of kDirTile)

inline std::int64_t padded(std::int64_t n) { return (n + kTile - 1) / kTile * kTile; }

// XT[j * n_pad + i] = x[i * d + j], zero for n <= i < n_pad.
template <class T>
void transpose_cloud(const T* x, std::int64_t n, std::int64_t d, double* xt) {
    const std::int64_t np = padded(n);
    for (std::int64_t j = 0; j < d; ++j) {
        double* row = xt + j * np;
        for (std::int64_t i = 0; i < n; ++i) row[i] = static_cast<double>(x[i * d + j]);
        for (std::int64_t i = n; i < np; ++i) row[i] = 0.0;
    }
}

// out[k * n_pad + i] for k < kBlock, i < n_pad: the block's kBlock directions
// theta[k * d + j] (rows beyond the real directions are zero).
inline void project_block(const double* xt, std::int64_t n_pad, std::int64_t d, const double* theta,
                          double* out) {
    for (std::int64_t i0 = 0; i0 < n_pad; i0 += kTile) {
        for (std::int64_t k0 = 0; k0 < kBlock; k0 += kDirTile) {
            double acc[kDirTile][kTile] = {};
            const double* th = theta + k0 * d;
            for (std::int64_t j = 0; j < d; ++j) {
                const double* xr = xt + j * n_pad + i0;
                for (std::int64_t c = 0; c < kDirTile; ++c) {
                    const double t = th[c * d + j];
                    for (std::int64_t q = 0; q < kTile; ++q) acc[c][q] += t * xr[q];
                }
            }
            for (std::int64_t c = 0; c < kDirTile; ++c) {
                double* o = out + (k0 + c) * n_pad + i0;
                for (std::int64_t q = 0; q < kTile; ++q) o[q] = acc[c][q];
            }
        }
    }
}

}  // namespace sliced
}  // namespace pydiv
