// Natural logarithm of four doubles with AVX2+FMA, accurate to about 1 ulp
// and free of divisions.  Include only from a translation unit compiled with
// -mavx2 -mfma.
//
// Algorithm (table-driven reduction): x = 2^k z with z in [0.705, 1.41);
// the top 7 mantissa bits of z pick one of 128 subintervals with centre c_i,
// and log x = k ln 2 + log c_i + log1p(r), r = z / c_i - 1, computed exactly
// enough by one FMA as z * (1/c_i) - 1.  |r| < 2^-8, so the series of
// log1p to r^7 leaves a truncation error below 1e-20.  The subinterval that
// holds 1 has c = 1 exactly, so log x stays accurate relative to itself near
// x = 1 (r = x - 1 is then exact).  k ln 2 is added in two parts (ln2_hi has
// trailing zero bits, so k * ln2_hi is exact).  The exponent is read with
// 64-bit integer operations and turned into a double by the 2^52 trick,
// since AVX2 has no int64 -> double conversion.
#pragma once

#include <immintrin.h>

#include <cfloat>
#include <cmath>
#include <cstring>

namespace pydiv::avx2 {

constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr int kTableBits = 7;
constexpr int kTableShift = 52 - kTableBits;
// Bits of the start of subinterval 0, chosen so that 1.0 is the centre of a
// subinterval: 1.0's bits minus 75.5 subinterval widths.
constexpr long long kTableStart = 0x3ff0000000000000LL - (151LL << (kTableShift - 1));

struct LogTable {
    alignas(64) double inv_c[1 << kTableBits];
    alignas(64) double log_c[1 << kTableBits];
    LogTable();
};

inline LogTable::LogTable() {
    for (int i = 0; i < (1 << kTableBits); ++i) {
        const long long lo_bits = kTableStart + (static_cast<long long>(i) << kTableShift);
        const long long hi_bits = lo_bits + (1LL << kTableShift);
        double lo;
        double hi;
        std::memcpy(&lo, &lo_bits, sizeof lo);
        std::memcpy(&hi, &hi_bits, sizeof hi);
        const double c = (lo <= 1.0 && 1.0 < hi) ? 1.0 : 0.5 * (lo + hi);
        inv_c[i] = 1.0 / c;
        // log(c) for the inv_c actually stored, in extended precision where
        // the platform has it.
        log_c[i] = static_cast<double>(-std::log(static_cast<long double>(inv_c[i])));
    }
}

inline const LogTable& log_table() {
    static const LogTable table;
    return table;
}

// log(x) + e * ln 2 for x positive, finite and normal.
inline __m256d log_normal_plus(__m256d x, __m256d e, const LogTable& table) {
    const __m256i ix = _mm256_castpd_si256(x);
    // t = ix - start + (1023 << 52): its top 12 bits hold k + 1023 with
    // x / 2^k in [start, 2 start), and it stays positive for every normal x.
    const __m256i t = _mm256_add_epi64(_mm256_sub_epi64(ix, _mm256_set1_epi64x(kTableStart)),
                                       _mm256_set1_epi64x(0x3ff0000000000000LL));
    const __m256i index = _mm256_and_si256(_mm256_srli_epi64(t, kTableShift),
                                           _mm256_set1_epi64x((1 << kTableBits) - 1));
    const __m256d k = _mm256_add_pd(
        _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(t, 52),
                                                          _mm256_set1_epi64x(0x4330000000000000LL))),
                      _mm256_set1_pd(0x1p52 + 1023.0)),
        e);
    const __m256i z_bits = _mm256_sub_epi64(
        ix, _mm256_and_si256(_mm256_sub_epi64(t, _mm256_set1_epi64x(0x3ff0000000000000LL)),
                             _mm256_set1_epi64x(static_cast<long long>(0xfff0000000000000ULL))));
    const __m256d z = _mm256_castsi256_pd(z_bits);
    const __m256d inv_c = _mm256_i64gather_pd(table.inv_c, index, 8);
    const __m256d log_c = _mm256_i64gather_pd(table.log_c, index, 8);
    const __m256d r = _mm256_fmsub_pd(z, inv_c, _mm256_set1_pd(1.0));
    // log1p(r) = r - r^2/2 + r^3/3 - ... - r^6/6 + r^7/7, in Estrin form.
    const __m256d r2 = _mm256_mul_pd(r, r);
    const __m256d a = _mm256_fmadd_pd(r, _mm256_set1_pd(1.0 / 3.0), _mm256_set1_pd(-0.5));
    const __m256d b = _mm256_fmadd_pd(r, _mm256_set1_pd(1.0 / 5.0), _mm256_set1_pd(-1.0 / 4.0));
    const __m256d c = _mm256_fmadd_pd(r, _mm256_set1_pd(1.0 / 7.0), _mm256_set1_pd(-1.0 / 6.0));
    const __m256d r4 = _mm256_mul_pd(r2, r2);
    const __m256d tail = _mm256_fmadd_pd(r4, c, _mm256_fmadd_pd(r2, b, a));
    const __m256d log1p_r = _mm256_fmadd_pd(r2, tail, r);
    const __m256d hi = _mm256_fmadd_pd(k, _mm256_set1_pd(kLn2Hi), log_c);
    return _mm256_add_pd(hi, _mm256_fmadd_pd(k, _mm256_set1_pd(kLn2Lo), log1p_r));
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
inline __m256d log(__m256d x, const LogTable& table) {
    const __m256d subnormal = _mm256_cmp_pd(x, _mm256_set1_pd(DBL_MIN), _CMP_LT_OQ);
    x = _mm256_blendv_pd(x, _mm256_mul_pd(x, _mm256_set1_pd(0x1p52)), subnormal);
    return log_normal_plus(x, _mm256_and_pd(subnormal, _mm256_set1_pd(-52.0)), table);
}

// log(x / y) for positive finite x, y; the quotient of the mantissas lies in
// (1/2, 2), so it neither overflows nor underflows, and when x is close to y
// the exponents cancel exactly before ln 2 is applied.
inline __m256d log_ratio(__m256d x, __m256d y, const LogTable& table) {
    __m256d ex;
    __m256d ey;
    const __m256d mx = split(x, ex);
    const __m256d my = split(y, ey);
    return log_normal_plus(_mm256_div_pd(mx, my), _mm256_sub_pd(ex, ey), table);
}

}  // namespace pydiv::avx2
