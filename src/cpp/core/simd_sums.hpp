// Lane-wise compensated sums shared by the SIMD kernels (info, divergences).
//
// fast2sum: sum + lo += v in every lane, for v >= 0 and sum >= 0: Fast2Sum
// ordered by max and min, so no branch and no magnitude test (Knuth, TAOCP
// vol. 2, 4.2.2; Dekker 1971).  lane_sum: the lanes added in lane order, so
// a result depends on the vector width only, never on the thread count.
// V is one of the vector wrappers of core/simd_avx2.hpp or simd_avx512.hpp.
#pragma once

namespace pydiv {
namespace {

template <class V>
void fast2sum(typename V::vec& sum, typename V::vec& lo, typename V::vec v) {
    const typename V::vec t = V::add(sum, v);
    lo = V::add(lo, V::add(V::sub(V::max(sum, v), t), V::min(sum, v)));
    sum = t;
}

template <class V>
double lane_sum(typename V::vec v) {
    double lanes[V::width];
    V::store(lanes, v);
    double total = 0.0;
    for (int l = 0; l < V::width; ++l) total += lanes[l];
    return total;
}

}  // namespace
}  // namespace pydiv
