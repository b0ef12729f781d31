// Compiled with -mavx2 -mfma; called only after cpu_features saw both.
#include "core/simd_avx2.hpp"
// clang-format off
#include "info/info_simd.hpp"
// clang-format on

namespace pydiv {

InfoKernelTable info_kernels_avx2() { return simd_info_kernels<Avx2>(); }

}  // namespace pydiv
