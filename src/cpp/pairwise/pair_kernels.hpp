// The per-metric block kernels behind pair_block (pairwise.hpp): one file
// each, pairwise_js.cpp (js) and pairwise_hist.cpp (cdf_l1, hist_wp), all
// walking the block with pair_walk.hpp.  A new histogram-row metric is a
// PairMetric value, one kernel file and one case in pairwise.cpp.
//
// Invariant shared by every kernel: an entry is the metric's value times
// in.scale (1 / log base), then its square root when in.take_sqrt; the
// layouts and symmetric/condensed rules are those of pair_block.
#pragma once

#include <cmath>
#include <cstdint>

#include "pairwise/pairwise.hpp"

namespace pydiv {

// The value of one entry from the metric's raw value.
inline double finish_pair_value(const PairInputs& in, double v) {
    v *= in.scale;
    return in.take_sqrt ? std::sqrt(v) : v;
}

template <class Out>
void js_pair_block(const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed, Out* out,
                   int threads);
template <class Out>
void cdf_l1_pair_block(const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                       Out* out, int threads);
template <class Out>
void hist_wp_pair_block(const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                        Out* out, int threads);

}  // namespace pydiv
