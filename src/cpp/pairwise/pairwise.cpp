// pair_block (pairwise.hpp): the dispatch from a PairMetric to its block
// kernel (pair_kernels.hpp).
#include <cstdint>

#include "pairwise/pair_kernels.hpp"
#include "pairwise/pairwise.hpp"

namespace pydiv {

template <class Out>
void pair_block(PairMetric metric, const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric,
                bool condensed, Out* out, int threads) {
    if (metric == PairMetric::js) {
        js_pair_block(in, i0, i1, symmetric, condensed, out, threads);
    } else if (metric == PairMetric::cdf_l1) {
        cdf_l1_pair_block(in, i0, i1, symmetric, condensed, out, threads);
    } else {
        hist_wp_pair_block(in, i0, i1, symmetric, condensed, out, threads);
    }
}

template void pair_block<double>(PairMetric, const PairInputs&, std::int64_t, std::int64_t, bool, bool, double*, int);
template void pair_block<float>(PairMetric, const PairInputs&, std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
