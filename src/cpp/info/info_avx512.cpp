// Compiled with -mavx512f -mavx512dq (and AVX2/FMA); called only after
// cpu_features saw them.
#include "core/simd_avx512.hpp"
// clang-format off
#include "info/info_simd.hpp"
// clang-format on

namespace pydiv {

InfoKernelTable info_kernels_avx512() { return simd_info_kernels<Avx512>(); }

}  // namespace pydiv
