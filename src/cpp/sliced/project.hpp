// Projection of a point cloud on a block of directions: the dense product
// P = Theta_B X^T of a (B, d) block of directions and the (n, d) cloud.
//
// Algorithm: the cloud is transposed once into float64 columns XT (d, n_pad),
// n_pad = n rounded up to kTile with zero points, so each coordinate is a
// contiguous row.  A register-blocked micro-kernel computes a kDirTile x
// kTile tile of P: for every coordinate j it adds theta[k][j] * XT[j][i0..]
// to kDirTile * kTile accumulators that stay in registers; for a block of
// a block of directions the kDirTile-direction tiles reuse the same XT tile from
// L1 (a block's size depends on n only, never on the thread count).  The accumulation order over j is fixed, so a projected value does not
// depend on the block, the tile or the thread that computes it.
// Invariants: P[k][i] = sum_j theta[k][j] * x[i][j] for i < n, summed in
// float64 in the order j = 0, 1, ..., d - 1 (float inputs are widened first).
// Memory: XT holds d * n_pad doubles; a projected block dirs * n_pad.
// On x86-64 CPUs with AVX2 and FMA the same tiles run as fused multiply-adds
// (project_avx2.cpp; PYDIV_SIMD=baseline keeps the portable kernel).
// Reference: K. Goto, R. van de Geijn, "Anatomy of high-performance matrix
// multiplication", ACM TOMS 34 (2008) (register blocking of the micro-kernel).
#pragma once

#include <cstdint>
#include <vector>

namespace pydiv {
namespace sliced {

constexpr std::int64_t kTile = 8;     // points per micro-tile
constexpr std::int64_t kDirTile = 4;  // directions per micro-tile
// Directions per block: as many as keep a projected block of one cloud near
// kBlockBytes (so it stays in the outer caches while its rows are sorted; larger
// blocks read the transposed cloud fewer times), a multiple of
// kDirTile between kDirTile and kMaxBlock.
constexpr std::int64_t kMaxBlock = 32;
constexpr std::int64_t kBlockBytes = std::int64_t{1} << 21;

inline std::int64_t block_directions(std::int64_t n_pad) {
    std::int64_t b = kBlockBytes / (8 * (n_pad > 0 ? n_pad : 1)) / kDirTile * kDirTile;
    return b < kDirTile ? kDirTile : (b > kMaxBlock ? kMaxBlock : b);
}

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

// out[k * n_pad + i] for k < dirs, i < n_pad: the block's dirs (a multiple
// of kDirTile) directions theta[k * d + j] (rows beyond the real directions
// are zero).
inline void project_block(const double* xt, std::int64_t n_pad, std::int64_t d, const double* theta,
                          std::int64_t dirs, double* out) {
    for (std::int64_t i0 = 0; i0 < n_pad; i0 += kTile) {
        for (std::int64_t k0 = 0; k0 < dirs; k0 += kDirTile) {
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

#if defined(__x86_64__) || defined(_M_X64)
// The same with AVX2 + FMA (project_avx2.cpp); only on CPUs that have both.
void project_block_avx2(const double* xt, std::int64_t n_pad, std::int64_t d, const double* theta, std::int64_t dirs,
                        double* out);
#endif

}  // namespace sliced
}  // namespace pydiv
