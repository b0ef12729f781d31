// Four-lane double vectors with AVX2+FMA for the kernels in info_simd.hpp,
// with a division-free logarithm accurate to about 1 ulp (see log_table.hpp).
// Include only from a translation unit compiled with -mavx2 -mfma.
#pragma once

#include <immintrin.h>

#include <cfloat>
#include <cstdint>

#include "core/log_table.hpp"

namespace pydiv {
namespace {

struct Avx2 {
    using vec = __m256d;
    using mask = __m256d;
    static constexpr int width = 4;

    static vec load(const double* p) { return _mm256_loadu_pd(p); }
    // The first n (< width) elements, zeros after; never reads past them.
    static vec load_first(const double* p, std::int64_t n) {
        const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
        return _mm256_maskload_pd(p, _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), lane));
    }
    static void store(double* p, vec v) { _mm256_storeu_pd(p, v); }
    static vec set1(double x) { return _mm256_set1_pd(x); }
    static vec zero() { return _mm256_setzero_pd(); }
    static vec add(vec a, vec b) { return _mm256_add_pd(a, b); }
    static vec sub(vec a, vec b) { return _mm256_sub_pd(a, b); }
    static vec mul(vec a, vec b) { return _mm256_mul_pd(a, b); }
    static vec div(vec a, vec b) { return _mm256_div_pd(a, b); }
    static vec sqrt(vec a) { return _mm256_sqrt_pd(a); }
    static vec fmadd(vec a, vec b, vec c) { return _mm256_fmadd_pd(a, b, c); }
    static vec min(vec a, vec b) { return _mm256_min_pd(a, b); }
    static vec max(vec a, vec b) { return _mm256_max_pd(a, b); }
    static vec abs(vec a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
    static mask gt(vec a, vec b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
    static mask ge(vec a, vec b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
    static mask le(vec a, vec b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
    static mask both(mask a, mask b) { return _mm256_and_pd(a, b); }
    static mask either(mask a, mask b) { return _mm256_or_pd(a, b); }
    static mask a_not_b(mask a, mask b) { return _mm256_andnot_pd(b, a); }
    static bool all(mask m) { return _mm256_movemask_pd(m) == 0xF; }
    static bool any(mask m) { return _mm256_movemask_pd(m) != 0; }
    static vec select(mask m, vec a, vec b) { return _mm256_blendv_pd(b, a, m); }  // m ? a : b
    static vec ones_where(mask m) { return _mm256_and_pd(m, _mm256_set1_pd(1.0)); }
    static const LogTable& table() { return log_table(); }

    // log(x) + e ln 2 for x positive, finite and normal.
    static vec log_normal_plus(vec x, vec e, const LogTable& table) {
        const __m256i ix = _mm256_castpd_si256(x);
        // t = ix - start + (1023 << 52): its top 12 bits hold k + 1023 with
        // x / 2^k in [start, 2 start), and it stays positive for normal x.
        const __m256i t = _mm256_add_epi64(_mm256_sub_epi64(ix, _mm256_set1_epi64x(kLogTableStart)),
                                           _mm256_set1_epi64x(0x3ff0000000000000LL));
        const __m256i index = _mm256_and_si256(_mm256_srli_epi64(t, kLogTableShift),
                                               _mm256_set1_epi64x((1 << kLogTableBits) - 1));
        // k as a double by the 2^52 trick: AVX2 has no int64 -> double.
        const __m256d k = _mm256_add_pd(
            _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(t, 52),
                                                              _mm256_set1_epi64x(0x4330000000000000LL))),
                          _mm256_set1_pd(0x1p52 + 1023.0)),
            e);
        const __m256i z_bits = _mm256_sub_epi64(
            ix, _mm256_and_si256(_mm256_sub_epi64(t, _mm256_set1_epi64x(0x3ff0000000000000LL)),
                                 _mm256_set1_epi64x(static_cast<long long>(0xfff0000000000000ULL))));
        const __m256d inv_c = _mm256_i64gather_pd(table.inv_c, index, 8);
        const __m256d log_c = _mm256_i64gather_pd(table.log_c, index, 8);
        const __m256d r = _mm256_fmsub_pd(_mm256_castsi256_pd(z_bits), inv_c, _mm256_set1_pd(1.0));
        return finish_log(r, k, log_c);
    }

    static vec log_normal(vec x, const LogTable& table) { return log_normal_plus(x, zero(), table); }

    // log c + k ln 2 + log1p(r), the series in Estrin form.
    static vec finish_log(vec r, vec k, vec log_c) {
        const vec r2 = mul(r, r);
        const vec a = fmadd(r, set1(1.0 / 3.0), set1(-0.5));
        const vec b = fmadd(r, set1(1.0 / 5.0), set1(-1.0 / 4.0));
        const vec c = fmadd(r, set1(1.0 / 7.0), set1(-1.0 / 6.0));
        const vec r4 = mul(r2, r2);
        const vec log1p_r = fmadd(r2, fmadd(r4, c, fmadd(r2, b, a)), r);
        return add(fmadd(k, set1(kLn2Hi), log_c), fmadd(k, set1(kLn2Lo), log1p_r));
    }

    // Mantissa in [1, 2) of positive finite x (subnormals included); its
    // binary exponent goes to `exponent`.
    static vec split(vec x, vec& exponent) {
        const mask subnormal = _mm256_cmp_pd(x, set1(DBL_MIN), _CMP_LT_OQ);
        x = select(subnormal, mul(x, set1(0x1p52)), x);
        const __m256i ix = _mm256_castpd_si256(x);
        exponent = sub(sub(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(ix, 52),
                                                               _mm256_set1_epi64x(0x4330000000000000LL))),
                           set1(0x1p52 + 1023.0)),
                       _mm256_and_pd(subnormal, set1(52.0)));
        return _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(ix, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                                                   _mm256_set1_epi64x(0x3ff0000000000000LL)));
    }

    // log(x) for positive finite x, subnormals included; 0 gives a finite
    // value, so x * log(x) is 0 there.  Subnormal lanes are rare: one test
    // per vector keeps their exponent fix-up off the common path.
    static vec log(vec x, const LogTable& table) {
        const __m256i ix = _mm256_castpd_si256(x);
        const __m256i subnormal = _mm256_and_si256(_mm256_cmpgt_epi64(ix, _mm256_setzero_si256()),
                                                   _mm256_cmpgt_epi64(_mm256_set1_epi64x(0x0010000000000000LL), ix));
        if (_mm256_testz_si256(subnormal, subnormal)) return log_normal(x, table);
        const mask sub = _mm256_castsi256_pd(subnormal);
        return log_normal_plus(select(sub, mul(x, set1(0x1p52)), x), _mm256_and_pd(sub, set1(-52.0)), table);
    }

    // log(x / y) for positive finite x, y whose quotient may leave the
    // double range: the mantissas' quotient lies in (1/2, 2).
    static vec log_ratio(vec x, vec y, const LogTable& table) {
        vec ex;
        vec ey;
        const vec mx = split(x, ex);
        const vec my = split(y, ey);
        return log_normal_plus(div(mx, my), sub(ex, ey), table);
    }
};

}  // namespace
}  // namespace pydiv
