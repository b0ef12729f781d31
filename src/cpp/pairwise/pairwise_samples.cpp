// W_p distance matrices between sorted 1-D samples (samples_pair_block in
// pairwise.hpp): per pair the merges of wasserstein/wasserstein_1d.hpp on one
// thread, the order promised by the caller (check_order = false); invalid
// samples give NaN entries, which are counted.
#include <cmath>
#include <cstdint>

#include "pairwise/pair_walk.hpp"
#include "pairwise/pairwise.hpp"
#include "wasserstein/wasserstein_1d.hpp"

namespace pydiv {

template <class Out>
std::int64_t samples_pair_block(const CloudSet& x, const CloudSet& y, double p, std::int64_t i0, std::int64_t i1,
                                bool symmetric, bool condensed, Out* out, int threads) {
    std::int64_t nans = 0;
    const double pair_cost = static_cast<double>(x.offsets[x.count] + y.offsets[y.count]) /
                             static_cast<double>(x.count + y.count > 0 ? x.count + y.count : 1) * 2.0;
    pair_walk::walk_block(x.count, y.count, i0, i1, symmetric, condensed, out, threads, pair_cost, 1,
                          [&](std::int64_t i, std::int64_t j) {
        const std::int64_t xb = x.offsets[i], yb = y.offsets[j];
        const double v = wasserstein_1d_sorted(x.coords + xb, x.weights ? x.weights + xb : nullptr,
                                               x.offsets[i + 1] - xb, y.coords + yb,
                                               y.weights ? y.weights + yb : nullptr, y.offsets[j + 1] - yb, p, 1,
                                               /*check_order=*/false);
        if (std::isnan(v)) {
#pragma omp atomic
            ++nans;
        }
        return v;
    });
    return nans;
}

template std::int64_t samples_pair_block<double>(const CloudSet&, const CloudSet&, double, std::int64_t, std::int64_t,
                                                 bool, bool, double*, int);
template std::int64_t samples_pair_block<float>(const CloudSet&, const CloudSet&, double, std::int64_t, std::int64_t,
                                                bool, bool, float*, int);

}  // namespace pydiv
