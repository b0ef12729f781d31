// Compiled with -mavx512f -mavx512dq (and AVX2/FMA), -ffp-contract=off;
// called only after cpu_features saw them.
#include "core/simd_avx512.hpp"
// clang-format off
#include "info/divergence_simd.hpp"
// clang-format on

namespace pydiv {

DivergenceKernelTable divergence_kernels_avx512() { return divergence_simd::kernels<Avx512>(); }

}  // namespace pydiv
