// Compiled with -mavx2 -mfma -ffp-contract=off; called only after
// cpu_features saw AVX2 and FMA.
#include "core/simd_avx2.hpp"
// clang-format off
#include "info/divergence_simd.hpp"
// clang-format on

namespace pydiv {

DivergenceKernelTable divergence_kernels_avx2() { return divergence_simd::kernels<Avx2>(); }

}  // namespace pydiv
