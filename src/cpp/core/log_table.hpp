// The table of the SIMD logarithms (simd_avx2.hpp, simd_avx512.hpp).
//
// Reduction: x = 2^k z with z in [0.705, 1.41); the top 7 mantissa bits of z
// pick one of 128 subintervals with centre c_i, and
//     log x = k ln 2 + log c_i + log1p(r),   r = z (1/c_i) - 1,
// with r from one FMA and |r| < 2^-8, so the log1p series to r^7 leaves a
// truncation error below 1e-20.  The subinterval holding 1 has c = 1 exactly,
// so log x stays accurate relative to itself near x = 1 (r = x - 1 exactly).
//
// Everything here has internal linkage: the SIMD translation units are
// compiled with different target flags and must not share inline code.
#pragma once

#include <cmath>
#include <cstring>

namespace pydiv {
namespace {

constexpr double kLn2Hi = 0x1.62e42fee00000p-1;  // trailing zero bits: k * kLn2Hi is exact
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
// log1p(r) = r + r^2 P(r) on |r| < 1/32, P(r) = sum c_i r^i: a degree-8
// Chebyshev fit (relative error of log1p below 4e-19, under a thousandth of
// an ulp), for the 16-entry table.
constexpr double kLog1pPoly[9] = {
    -0x1.0000000000000p-1, 0x1.5555555555521p-2,  -0x1.fffffffffffa0p-3, 0x1.9999999af751bp-3, -0x1.5555555695eabp-3,
    0x1.2492357975d4dp-3,  -0x1.ffffdbf0c4765p-4, 0x1.c7ee28ac92f04p-4,  -0x1.9a59d76189686p-4};

// A table of 2^Bits subintervals covering the bits [start, start + 2^52) of
// z, where start puts 1.0 at the centre of subinterval Centre (whose c is 1).
template <int Bits, int Centre>
struct LogTableOf {
    static constexpr int kShift = 52 - Bits;
    static constexpr long long kStart = 0x3ff0000000000000LL - ((2LL * Centre + 1) << (kShift - 1));
    alignas(64) double inv_c[1 << Bits];
    alignas(64) double log_c[1 << Bits];

    LogTableOf() {
        for (int i = 0; i < (1 << Bits); ++i) {
            const long long lo_bits = kStart + (static_cast<long long>(i) << kShift);
            const long long hi_bits = lo_bits + (1LL << kShift);
            double lo;
            double hi;
            std::memcpy(&lo, &lo_bits, sizeof lo);
            std::memcpy(&hi, &hi_bits, sizeof hi);
            const double c = (lo <= 1.0 && 1.0 < hi) ? 1.0 : 0.5 * (lo + hi);
            inv_c[i] = 1.0 / c;
            // -log of the inv_c actually stored, in extended precision where
            // the platform has it.
            log_c[i] = static_cast<double>(-std::log(static_cast<long double>(inv_c[i])));
        }
    }
};

// 128 subintervals (AVX2 gathers from memory): 1.0 is the centre of
// subinterval 75, |r| < 2^-8.
using LogTable = LogTableOf<7, 75>;
constexpr int kLogTableBits = 7;
constexpr int kLogTableShift = LogTable::kShift;
constexpr long long kLogTableStart = LogTable::kStart;
// 16 subintervals (AVX-512 keeps them in registers): 1.0 is the centre of
// subinterval 8, |r| < 1/32.
using LogTable16 = LogTableOf<4, 8>;
constexpr int kLogTable16Shift = LogTable16::kShift;
constexpr long long kLogTable16Start = LogTable16::kStart;

[[maybe_unused]] const LogTable16& log_table16() {
    static const LogTable16 table;
    return table;
}

[[maybe_unused]] const LogTable& log_table() {
    static const LogTable table;
    return table;
}

}  // namespace
}  // namespace pydiv
