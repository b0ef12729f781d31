// The portable divergence table: the scalar loops of divergence_scalar.hpp
// on contiguous rows (x86-64 without AVX2, aarch64, ...).
#include "info/divergence_scalar.hpp"

namespace pydiv {

namespace {

bool baseline_sums(const double* p, const double* q, std::int64_t n, InfoPartial& sums) {
    return divergence_scalar::row_sums(p, q, n, 1, 1, sums);
}

template <DivergenceKind Kind>
TermSums baseline_terms(const double* small, const double* big, std::int64_t n, double sigma_hi, double sigma_lo,
                        double unit, bool small_is_p) {
    return divergence_scalar::row_terms(Kind, small, 1, big, 1, n, sigma_hi, sigma_lo, unit, small_is_p);
}

}  // namespace

DivergenceKernelTable divergence_kernels_baseline() {
    return {baseline_sums,
            {baseline_terms<DivergenceKind::hellinger>, baseline_terms<DivergenceKind::total_variation>,
             baseline_terms<DivergenceKind::bhattacharyya>, baseline_terms<DivergenceKind::chi2>,
             baseline_terms<DivergenceKind::jeffreys>, baseline_terms<DivergenceKind::bhattacharyya_distance>}};
}

}  // namespace pydiv
