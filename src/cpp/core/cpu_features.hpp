// Runtime choice of the SIMD level, so one portable binary uses AVX2+FMA
// where the CPU has them (and AVX-512 F+DQ where it has those).
// PYDIV_SIMD caps the level: baseline, avx2 (or avx2+fma, the name reported)
// or avx512, in any case.
#pragma once

namespace pydiv {

enum class SimdLevel : int { baseline = 0, avx2 = 1, avx512 = 2 };

// Decided once, on first use.
SimdLevel simd_level();
const char* simd_level_name(SimdLevel level);
// The level a PYDIV_SIMD value names (case and spaces ignored; "" is no cap,
// i.e. avx512), or -1 for a value that names none.
int simd_cap_from_name(const char* name);

}  // namespace pydiv
