// Runtime choice of the SIMD level, so one portable binary uses AVX2+FMA
// where the CPU has them.  PYDIV_SIMD=baseline forces the portable path.
#pragma once

namespace pydiv {

enum class SimdLevel : int { baseline = 0, avx2 = 1 };

// Decided once, on first use.
SimdLevel simd_level();
const char* simd_level_name(SimdLevel level);

}  // namespace pydiv
