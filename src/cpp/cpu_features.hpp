// Runtime choice of the SIMD level, so one portable binary uses AVX2+FMA
// where the CPU has them (and AVX-512 F+DQ where it has those).
// PYDIV_SIMD=baseline or PYDIV_SIMD=avx2 caps the level.
#pragma once

namespace pydiv {

enum class SimdLevel : int { baseline = 0, avx2 = 1, avx512 = 2 };

// Decided once, on first use.
SimdLevel simd_level();
const char* simd_level_name(SimdLevel level);

}  // namespace pydiv
