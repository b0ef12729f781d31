// Eight-lane double vectors with AVX-512 (F and DQ) for the kernels in
// info_simd.hpp; the logarithm of log_table.hpp with a 16-entry table held
// in registers, native int64 -> double conversion, and getexp/getmant for the
// exponent split.
// Include only from a translation unit compiled with -mavx512f -mavx512dq.
#pragma once

#include <immintrin.h>

#include <cfloat>
#include <cstdint>

#include "core/log_table.hpp"

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
    static vec sqrt(vec a) { return _mm512_sqrt_pd(a); }
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
    static bool any(mask m) { return m != 0; }
    static vec select(mask m, vec a, vec b) { return _mm512_mask_blend_pd(m, b, a); }  // m ? a : b
    static vec ones_where(mask m) { return _mm512_maskz_mov_pd(m, _mm512_set1_pd(1.0)); }

    // log(x) + e ln 2 for x positive, finite and normal.  Same reduction as
    // log_table.hpp, but with 16 subintervals whose table lives in registers
    // (one permute instead of a gather, which is slow on several CPUs), so
    // |r| < 1/32 and log1p(r) = r + r^2 P(r) takes a degree-8 polynomial P:
    // a Chebyshev fit to (log1p(r) - r) / r^2 on [-1/32, 1/32] whose
    // relative error in log1p is below 4e-19 (kLog1pPoly).  Any other finite
    // non-negative x (0, subnormals) gives some finite value.
    struct Table16 {
        __m512d inv_lo, inv_hi, log_lo, log_hi;
    };

    static Table16 table() {
        const LogTable16& t = log_table16();
        return {_mm512_loadu_pd(t.inv_c), _mm512_loadu_pd(t.inv_c + 8), _mm512_loadu_pd(t.log_c),
                _mm512_loadu_pd(t.log_c + 8)};
    }

    static vec log_normal_plus(vec x, vec e, const Table16& table) { return log_core<true>(x, e, table); }
    static vec log_normal(vec x, const Table16& table) { return log_core<false>(x, zero(), table); }

    template <bool AddE>
    static vec log_core(vec x, vec e, const Table16& table) {
        const __m512i ix = _mm512_castpd_si512(x);
        const __m512i t = _mm512_sub_epi64(ix, _mm512_set1_epi64(kLogTable16Start));
        const __m512i index = _mm512_srli_epi64(t, kLogTable16Shift);  // the permute reads 4 bits
        const __m512i k_int = _mm512_srai_epi64(t, 52);
        const __m512i z_bits = _mm512_sub_epi64(ix, _mm512_slli_epi64(k_int, 52));
        vec k = _mm512_cvtepi64_pd(k_int);
        if constexpr (AddE) k = add(k, e);
        const vec inv_c = _mm512_permutex2var_pd(table.inv_lo, index, table.inv_hi);
        const vec log_c = _mm512_permutex2var_pd(table.log_lo, index, table.log_hi);
        const vec r = _mm512_fmsub_pd(_mm512_castsi512_pd(z_bits), inv_c, set1(1.0));
        // P in Estrin form: short dependency chains, few operations.
        const double* c = kLog1pPoly;
        const vec r2 = mul(r, r);
        const vec r4 = mul(r2, r2);
        const vec p01 = fmadd(r, set1(c[1]), set1(c[0]));
        const vec p23 = fmadd(r, set1(c[3]), set1(c[2]));
        const vec p45 = fmadd(r, set1(c[5]), set1(c[4]));
        const vec p678 = fmadd(r2, set1(c[8]), fmadd(r, set1(c[7]), set1(c[6])));
        const vec poly = fmadd(r4, fmadd(r2, p678, p45), fmadd(r2, p23, p01));
        const vec log1p_r = fmadd(r2, poly, r);
        return add(fmadd(k, set1(kLn2Hi), log_c), fmadd(k, set1(kLn2Lo), log1p_r));
    }

    // log(x) for positive finite x, subnormals included; 0 gives a finite
    // value, so x * log(x) is 0 there.  Subnormal lanes are rare: one test
    // per vector keeps their exponent fix-up off the common path.
    static vec log(vec x, const Table16& table) {
        const __m512i below = _mm512_sub_epi64(_mm512_castpd_si512(x), _mm512_set1_epi64(1));
        const mask subnormal = _mm512_cmplt_epu64_mask(below, _mm512_set1_epi64(0x000fffffffffffffLL));
        if (subnormal == 0) return log_normal(x, table);
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
