// Eight-lane double vectors with AVX-512 (F and DQ) for the kernels in
// info_simd.hpp; the logarithm of log_table.hpp with a 16-entry table held
// in registers, native int64 -> double conversion, and getexp/getmant for the
// exponent split.
// Include only from a translation unit compiled with -mavx512f -mavx512dq.
#pragma once

#include <immintrin.h>

#include <cfloat>
#include <cstdint>

#include "log_table.hpp"

namespace pydiv {
namespace {

struct Avx512 {
    using vec = __m512d;
    using mask = __mmask8;
    static constexpr int width = 8;

    static vec load(const double* p) { return _mm512_loadu_pd(p); }
    // The first n (< width) elements, zeros after; never reads past them.
    static vec load_first(const double* p, std::int64_t n) {
        return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << n) - 1u), p);
    }
    static void store(double* p, vec v) { _mm512_storeu_pd(p, v); }
    static vec set1(double x) { return _mm512_set1_pd(x); }
    static vec zero() { return _mm512_setzero_pd(); }
    static vec add(vec a, vec b) { return _mm512_add_pd(a, b); }
    static vec sub(vec a, vec b) { return _mm512_sub_pd(a, b); }
    static vec mul(vec a, vec b) { return _mm512_mul_pd(a, b); }
    static vec div(vec a, vec b) { return _mm512_div_pd(a, b); }
    static vec fmadd(vec a, vec b, vec c) { return _mm512_fmadd_pd(a, b, c); }
    static vec min(vec a, vec b) { return _mm512_min_pd(a, b); }
    static vec max(vec a, vec b) { return _mm512_max_pd(a, b); }
    static vec abs(vec a) { return _mm512_abs_pd(a); }
    static mask gt(vec a, vec b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
    static mask ge(vec a, vec b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
    static mask le(vec a, vec b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
    static mask both(mask a, mask b) { return static_cast<mask>(a & b); }
    static mask either(mask a, mask b) { return static_cast<mask>(a | b); }
    static mask a_not_b(mask a, mask b) { return static_cast<mask>(a & ~b); }
    static bool all(mask m) { return m == 0xFF; }
    static vec select(mask m, vec a, vec b) { return _mm512_mask_blend_pd(m, b, a); }  // m ? a : b
    static vec ones_where(mask m) { return _mm512_maskz_mov_pd(m, _mm512_set1_pd(1.0)); }

    // log(x) + e ln 2 for x positive, finite and normal.  Same reduction as
    // log_table.hpp, but with 16 subintervals whose table lives in registers
    // (one permute instead of a gather, which is slow on several CPUs), so
    // |r| < 1/32 and the log1p series runs to r^12.
    struct Table16 {
        __m512d inv_lo, inv_hi, log_lo, log_hi;
    };

    static Table16 table() {
        const LogTable16& t = log_table16();
        return {_mm512_loadu_pd(t.inv_c), _mm512_loadu_pd(t.inv_c + 8), _mm512_loadu_pd(t.log_c),
                _mm512_loadu_pd(t.log_c + 8)};
    }

    static vec log_normal_plus(vec x, vec e, const Table16& table) {
        const __m512i ix = _mm512_castpd_si512(x);
        const __m512i t = _mm512_sub_epi64(ix, _mm512_set1_epi64(kLogTable16Start));
        const __m512i index = _mm512_srli_epi64(t, kLogTable16Shift);  // the permute reads 4 bits
        const __m512i k_int = _mm512_srai_epi64(t, 52);
        const __m512i z_bits = _mm512_sub_epi64(ix, _mm512_slli_epi64(k_int, 52));
        const vec k = add(_mm512_cvtepi64_pd(k_int), e);
        const vec inv_c = _mm512_permutex2var_pd(table.inv_lo, index, table.inv_hi);
        const vec log_c = _mm512_permutex2var_pd(table.log_lo, index, table.log_hi);
        const vec r = _mm512_fmsub_pd(_mm512_castsi512_pd(z_bits), inv_c, set1(1.0));
        // log1p(r) = r + r^2 (c2 + c3 r + ... + c12 r^10), c_n = (-1)^(n+1)/n, Estrin form.
        const vec r2 = mul(r, r);
        const vec r4 = mul(r2, r2);
        const vec r8 = mul(r4, r4);
        const vec p23 = fmadd(r, set1(1.0 / 3.0), set1(-1.0 / 2.0));
        const vec p45 = fmadd(r, set1(1.0 / 5.0), set1(-1.0 / 4.0));
        const vec p67 = fmadd(r, set1(1.0 / 7.0), set1(-1.0 / 6.0));
        const vec p89 = fmadd(r, set1(1.0 / 9.0), set1(-1.0 / 8.0));
        const vec p1011 = fmadd(r, set1(1.0 / 11.0), set1(-1.0 / 10.0));
        const vec p2_5 = fmadd(r2, p45, p23);
        const vec p6_9 = fmadd(r2, p89, p67);
        const vec p10_12 = fmadd(r2, set1(-1.0 / 12.0), p1011);
        const vec p2_9 = fmadd(r4, p6_9, p2_5);
        const vec poly = fmadd(r8, p10_12, p2_9);
        const vec log1p_r = fmadd(r2, poly, r);
        return add(fmadd(k, set1(kLn2Hi), log_c), fmadd(k, set1(kLn2Lo), log1p_r));
    }

    // log(x) for positive finite x, subnormals included.
    static vec log(vec x, const Table16& table) {
        const mask subnormal = _mm512_cmp_pd_mask(x, set1(DBL_MIN), _CMP_LT_OQ);
        return log_normal_plus(_mm512_mask_mul_pd(x, subnormal, x, set1(0x1p52)),
                               _mm512_maskz_mov_pd(subnormal, set1(-52.0)), table);
    }

    // log(x / y) for positive finite x, y whose quotient may leave the
    // double range: the mantissas' quotient lies in (1/2, 2).
    static vec log_ratio(vec x, vec y, const Table16& table) {
        const vec mx = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
        const vec my = _mm512_getmant_pd(y, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
        return log_normal_plus(div(mx, my), sub(_mm512_getexp_pd(x), _mm512_getexp_pd(y)), table);
    }
};

}  // namespace
}  // namespace pydiv
