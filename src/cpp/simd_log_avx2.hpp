// Natural logarithm of four doubles with AVX2+FMA, accurate to about 1 ulp.
// Include only from a translation unit compiled with -mavx2 -mfma.
//
// Algorithm: x = 2^k * m with m in [sqrt(1/2), sqrt(2)); with f = m - 1 and
// s = f / (2 + f), log(m) = 2 atanh(s) = f - (f^2/2 - s (f^2/2 + R(s^2))),
// where R is the atanh series sum_{i>=1} 2 z^i / (2i + 1).  |s| < 0.1716, so
// nine terms leave a truncation error below 3e-17 relative.  k ln 2 is added
// in two parts (ln2_hi has trailing zero bits, so k * ln2_hi is exact).
// The exponent is read with 64-bit integer operations and turned into a
// double by the 2^52 trick, since AVX2 has no int64 -> double conversion.
#pragma once

#include <immintrin.h>

#include <cfloat>

namespace pydiv::avx2 {

constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;

// log(x) + e * ln 2 for x positive, finite and normal.
inline __m256d log_normal_plus(__m256d x, __m256d e) {
    const __m256i ix = _mm256_castpd_si256(x);
    // t's top 12 bits hold k + 1023, where k makes x / 2^k fall in
    // [sqrt(1/2), sqrt(2)); the offset keeps t positive for every normal x.
    const __m256i t = _mm256_add_epi64(_mm256_sub_epi64(ix, _mm256_set1_epi64x(0x3fe6a09e667f3bcdLL)),
                                       _mm256_set1_epi64x(0x3ff0000000000000LL));
    const __m256i biased_k = _mm256_srli_epi64(t, 52);
    const __m256d k = _mm256_add_pd(
        _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(biased_k, _mm256_set1_epi64x(0x4330000000000000LL))),
                      _mm256_set1_pd(0x1p52 + 1023.0)),
        e);
    const __m256i m_bits =
        _mm256_add_epi64(_mm256_sub_epi64(ix, _mm256_and_si256(t, _mm256_set1_epi64x(static_cast<long long>(0xfff0000000000000ULL)))),
                         _mm256_set1_epi64x(0x3ff0000000000000LL));
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d f = _mm256_sub_pd(_mm256_castsi256_pd(m_bits), one);
    const __m256d s = _mm256_div_pd(f, _mm256_add_pd(_mm256_set1_pd(2.0), f));
    const __m256d z = _mm256_mul_pd(s, s);
    __m256d r = _mm256_set1_pd(2.0 / 19.0);
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 17.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 15.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 13.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 11.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 9.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 7.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 5.0));
    r = _mm256_fmadd_pd(r, z, _mm256_set1_pd(2.0 / 3.0));
    r = _mm256_mul_pd(r, z);
    const __m256d hfsq = _mm256_mul_pd(_mm256_set1_pd(0.5), _mm256_mul_pd(f, f));
    const __m256d log_m = _mm256_sub_pd(f, _mm256_fnmadd_pd(s, _mm256_add_pd(hfsq, r), hfsq));
    return _mm256_fmadd_pd(k, _mm256_set1_pd(kLn2Hi), _mm256_fmadd_pd(k, _mm256_set1_pd(kLn2Lo), log_m));
}

// Splits positive finite x (subnormals included) into a mantissa in [1, 2)
// and its binary exponent as a double.
inline __m256d split(__m256d x, __m256d& exponent) {
    const __m256d subnormal = _mm256_cmp_pd(x, _mm256_set1_pd(DBL_MIN), _CMP_LT_OQ);
    x = _mm256_blendv_pd(x, _mm256_mul_pd(x, _mm256_set1_pd(0x1p52)), subnormal);
    const __m256i ix = _mm256_castpd_si256(x);
    const __m256i biased = _mm256_srli_epi64(ix, 52);
    exponent = _mm256_sub_pd(
        _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(biased, _mm256_set1_epi64x(0x4330000000000000LL))),
                      _mm256_set1_pd(0x1p52 + 1023.0)),
        _mm256_and_pd(subnormal, _mm256_set1_pd(52.0)));
    const __m256i m_bits = _mm256_or_si256(_mm256_and_si256(ix, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                                           _mm256_set1_epi64x(0x3ff0000000000000LL));
    return _mm256_castsi256_pd(m_bits);
}

// log(x) for positive finite x, subnormals included.
inline __m256d log(__m256d x) {
    const __m256d subnormal = _mm256_cmp_pd(x, _mm256_set1_pd(DBL_MIN), _CMP_LT_OQ);
    x = _mm256_blendv_pd(x, _mm256_mul_pd(x, _mm256_set1_pd(0x1p52)), subnormal);
    return log_normal_plus(x, _mm256_and_pd(subnormal, _mm256_set1_pd(-52.0)));
}

// log(x / y) for positive finite x, y; the quotient of the mantissas lies in
// (1/2, 2), so it neither overflows nor underflows, and when x is close to y
// the exponents cancel exactly before ln 2 is applied.
inline __m256d log_ratio(__m256d x, __m256d y) {
    __m256d ex;
    __m256d ey;
    const __m256d mx = split(x, ex);
    const __m256d my = split(y, ey);
    return log_normal_plus(_mm256_div_pd(mx, my), _mm256_sub_pd(ex, ey));
}

}  // namespace pydiv::avx2
