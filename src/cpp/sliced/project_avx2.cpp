// The projection micro-kernel of project.hpp with AVX2 and FMA: compiled with
// -mavx2 -mfma and called only after cpu_features saw both.  Same tiles, same
// order of the sums over coordinates; each product-sum is one fused
// multiply-add, so values may differ from the portable kernel in the last bit.
#include <immintrin.h>

#include "sliced/project.hpp"

namespace pydiv {
namespace sliced {

void project_block_avx2(const double* xt, std::int64_t n_pad, std::int64_t d, const double* theta, std::int64_t dirs,
                        double* out) {
    static_assert(kTile == 8 && kDirTile == 4, "the tile is two 4-double vectors by four directions");
    for (std::int64_t i0 = 0; i0 < n_pad; i0 += kTile) {
        for (std::int64_t k0 = 0; k0 < dirs; k0 += kDirTile) {
            __m256d a00 = _mm256_setzero_pd(), a01 = _mm256_setzero_pd();
            __m256d a10 = _mm256_setzero_pd(), a11 = _mm256_setzero_pd();
            __m256d a20 = _mm256_setzero_pd(), a21 = _mm256_setzero_pd();
            __m256d a30 = _mm256_setzero_pd(), a31 = _mm256_setzero_pd();
            const double* th = theta + k0 * d;
            for (std::int64_t j = 0; j < d; ++j) {
                const double* xr = xt + j * n_pad + i0;
                const __m256d x0 = _mm256_loadu_pd(xr), x1 = _mm256_loadu_pd(xr + 4);
                const __m256d t0 = _mm256_broadcast_sd(th + j), t1 = _mm256_broadcast_sd(th + d + j);
                const __m256d t2 = _mm256_broadcast_sd(th + 2 * d + j), t3 = _mm256_broadcast_sd(th + 3 * d + j);
                a00 = _mm256_fmadd_pd(t0, x0, a00);
                a01 = _mm256_fmadd_pd(t0, x1, a01);
                a10 = _mm256_fmadd_pd(t1, x0, a10);
                a11 = _mm256_fmadd_pd(t1, x1, a11);
                a20 = _mm256_fmadd_pd(t2, x0, a20);
                a21 = _mm256_fmadd_pd(t2, x1, a21);
                a30 = _mm256_fmadd_pd(t3, x0, a30);
                a31 = _mm256_fmadd_pd(t3, x1, a31);
            }
            double* o = out + k0 * n_pad + i0;
            _mm256_storeu_pd(o, a00);
            _mm256_storeu_pd(o + 4, a01);
            _mm256_storeu_pd(o + n_pad, a10);
            _mm256_storeu_pd(o + n_pad + 4, a11);
            _mm256_storeu_pd(o + 2 * n_pad, a20);
            _mm256_storeu_pd(o + 2 * n_pad + 4, a21);
            _mm256_storeu_pd(o + 3 * n_pad, a30);
            _mm256_storeu_pd(o + 3 * n_pad + 4, a31);
        }
    }
}

}  // namespace sliced
}  // namespace pydiv
