// AVX2+FMA kernels; this file alone is compiled with -mavx2 -mfma and is only
// called after cpu_features has seen both on the running CPU.
#include <immintrin.h>

#include <cfloat>
#include <limits>

#include "info_scalar.hpp"
#include "simd_log_avx2.hpp"

namespace pydiv {
namespace {

// Vector accumulators of InfoPartial; folded into the scalar one at the end.
struct Acc {
    __m256d s = _mm256_setzero_pd();
    __m256d sum_p = _mm256_setzero_pd();
    __m256d sum_q = _mm256_setzero_pd();
    __m256d min_p = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    __m256d min_q = _mm256_set1_pd(std::numeric_limits<double>::infinity());
    __m256d max_p = _mm256_setzero_pd();
    __m256d max_q = _mm256_setzero_pd();
    __m256d n_inf = _mm256_setzero_pd();

    void track(__m256d x, __m256d y) {
        sum_p = _mm256_add_pd(sum_p, x);
        sum_q = _mm256_add_pd(sum_q, y);
        min_p = _mm256_min_pd(min_p, x);
        min_q = _mm256_min_pd(min_q, y);
        max_p = _mm256_max_pd(max_p, x);
        max_q = _mm256_max_pd(max_q, y);
    }

    void fold_into(InfoPartial& out) const {
        alignas(32) double lanes[8][4];
        _mm256_store_pd(lanes[0], s);
        _mm256_store_pd(lanes[1], sum_p);
        _mm256_store_pd(lanes[2], sum_q);
        _mm256_store_pd(lanes[3], min_p);
        _mm256_store_pd(lanes[4], min_q);
        _mm256_store_pd(lanes[5], max_p);
        _mm256_store_pd(lanes[6], max_q);
        _mm256_store_pd(lanes[7], n_inf);
        for (int l = 0; l < 4; ++l) {
            InfoPartial lane;
            lane.s = lanes[0][l];
            lane.sum_p = lanes[1][l];
            lane.sum_q = lanes[2][l];
            lane.min_p = lanes[3][l];
            lane.min_q = lanes[4][l];
            lane.max_p = lanes[5][l];
            lane.max_q = lanes[6][l];
            lane.n_inf = lanes[7][l];
            out.merge(lane);
        }
    }
};

inline __m256d positive(__m256d x) { return _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ); }

// Runs `step` over whole vectors and the scalar kernel over the tail.  NaN
// inputs reach the sums (so the row is reported invalid) but never a log:
// every log argument is masked to 1 where its input is not positive.
template <class Step, class Tail>
inline void run(const double* p, const double* q, std::int64_t n, double sp, double sq,
                InfoPartial& out, Step step, Tail tail) {
    Acc acc;
    const __m256d vsp = _mm256_set1_pd(sp);
    const __m256d vsq = _mm256_set1_pd(sq);
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256d x = _mm256_mul_pd(_mm256_loadu_pd(p + i), vsp);
        const __m256d y = q ? _mm256_mul_pd(_mm256_loadu_pd(q + i), vsq) : _mm256_setzero_pd();
        step(x, y, acc);
    }
    acc.fold_into(out);
    if (i < n) tail(p + i, q ? q + i : nullptr, n - i, sp, sq, out);
}

// Lanes set in `mask`, as a 4-bit integer.
inline int lanes(__m256d mask) { return _mm256_movemask_pd(mask); }

void entropy(const double* p, const double*, std::int64_t n, double sp, double sq,
             InfoPartial& out) {
    const __m256d one = _mm256_set1_pd(1.0);
    const avx2::LogTable& table = avx2::log_table();
    run(p, nullptr, n, sp, sq, out,
        [&](__m256d x, __m256d, Acc& acc) {
            acc.sum_p = _mm256_add_pd(acc.sum_p, x);
            acc.min_p = _mm256_min_pd(acc.min_p, x);
            acc.max_p = _mm256_max_pd(acc.max_p, x);
            const __m256d arg = _mm256_blendv_pd(one, x, positive(x));
            acc.s = _mm256_fmadd_pd(x, avx2::log(arg, table), acc.s);
        },
        scalar::entropy);
}

void cross_entropy(const double* p, const double* q, std::int64_t n, double sp, double sq,
                   InfoPartial& out) {
    const __m256d one = _mm256_set1_pd(1.0);
    const avx2::LogTable& table = avx2::log_table();
    run(p, q, n, sp, sq, out,
        [&](__m256d x, __m256d y, Acc& acc) {
            acc.track(x, y);
            const __m256d xpos = positive(x);
            const __m256d ypos = positive(y);
            acc.n_inf = _mm256_add_pd(acc.n_inf, _mm256_and_pd(_mm256_andnot_pd(ypos, xpos), one));
            const __m256d arg = _mm256_blendv_pd(one, y, _mm256_and_pd(xpos, ypos));
            acc.s = _mm256_fmadd_pd(x, avx2::log(arg, table), acc.s);
        },
        scalar::cross_entropy);
}

void kl(const double* p, const double* q, std::int64_t n, double sp, double sq,
        InfoPartial& out) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d ratio_min = _mm256_set1_pd(DBL_MIN);
    const __m256d ratio_max = _mm256_set1_pd(DBL_MAX);
    const avx2::LogTable& table = avx2::log_table();
    run(p, q, n, sp, sq, out,
        [&](__m256d x, __m256d y, Acc& acc) {
            acc.track(x, y);
            const __m256d xpos = positive(x);
            const __m256d ypos = positive(y);
            acc.n_inf = _mm256_add_pd(acc.n_inf, _mm256_and_pd(_mm256_andnot_pd(ypos, xpos), one));
            const __m256d both = _mm256_and_pd(xpos, ypos);
            __m256d ratio = _mm256_blendv_pd(one, _mm256_div_pd(x, y), both);
            const __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(ratio, ratio_min, _CMP_GE_OQ),
                                                   _mm256_cmp_pd(ratio, ratio_max, _CMP_LE_OQ));
            __m256d lr;
            if (lanes(in_range) == 0xF) {
                lr = avx2::log_normal_plus(ratio, _mm256_setzero_pd(), table);
            } else {
                // Rare: the quotient over- or underflows; split the exponents.
                lr = avx2::log_ratio(_mm256_blendv_pd(one, x, both), _mm256_blendv_pd(one, y, both), table);
            }
            acc.s = _mm256_fmadd_pd(x, lr, acc.s);
        },
        scalar::kl);
}

// With r = 2x / (x + y), log(x/m) = log r and log(y/m) = log(2 - r).  2 - r
// loses relative accuracy only where y << x, and there the y term is
// negligible next to the x term of the same element.
void js(const double* p, const double* q, std::int64_t n, double sp, double sq,
        InfoPartial& out) {
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d two = _mm256_set1_pd(2.0);
    const __m256d tiny = _mm256_set1_pd(DBL_TRUE_MIN);
    const avx2::LogTable& table = avx2::log_table();
    run(p, q, n, sp, sq, out,
        [&](__m256d x, __m256d y, Acc& acc) {
            acc.track(x, y);
            const __m256d xpos = positive(x);
            const __m256d ypos = positive(y);
            const __m256d sum = _mm256_blendv_pd(one, _mm256_add_pd(x, y), _mm256_or_pd(xpos, ypos));
            const __m256d rx = _mm256_div_pd(_mm256_add_pd(x, x), sum);
            const __m256d ry = _mm256_max_pd(_mm256_sub_pd(two, rx), tiny);
            const __m256d lx = avx2::log(_mm256_blendv_pd(one, rx, xpos), table);
            const __m256d ly = avx2::log(_mm256_blendv_pd(one, ry, ypos), table);
            acc.s = _mm256_fmadd_pd(x, lx, _mm256_fmadd_pd(y, ly, acc.s));
        },
        scalar::js);
}

void sums(const double* p, const double* q, std::int64_t n, double sp, double sq,
          InfoPartial& out) {
    run(p, q, n, sp, sq, out, [&](__m256d x, __m256d y, Acc& acc) { acc.track(x, y); },
        scalar::sums);
}

}  // namespace

InfoKernelTable info_kernels_avx2() { return {entropy, cross_entropy, kl, js, sums}; }

}  // namespace pydiv
