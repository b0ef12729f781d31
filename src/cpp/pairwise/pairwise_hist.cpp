// Distance matrices between histogram rows on a shared support.
//   cdf_l1   (W_1) rows turned into normalised CDFs by the caller; per pair a
//            weighted L1 distance with the support gaps as weights, four
//            columns per loaded row (info_kernels().l1_rows), so both stay
//            in L1 cache.
//   hist_wp  (W_p, p != 1) rows normalised; per pair the quantile merge on
//            the shared support (wasserstein/histograms.hpp).
#include <cstdint>

#include "info/info.hpp"
#include "pairwise/pair_kernels.hpp"
#include "pairwise/pair_walk.hpp"
#include "wasserstein/wasserstein_1d.hpp"

namespace pydiv {
namespace {

// A tile of the CDF L1 metric: rows ia .. ib - 1 against columns j0 .. j1 - 1.
// Four columns at a time meet every row of the tile, so both stay in L1.
void cdf_l1_tile(const InfoKernelTable& kernels, const PairInputs& in, std::int64_t ia, std::int64_t ib,
                 std::int64_t j0, std::int64_t j1, double* values) {
    // Evenly spaced support: one multiplication per entry, not per element;
    // the last CDF element is 1 in every row, so it is left out.
    const bool uniform = in.uniform_gap > 0.0;
    const std::int64_t len = uniform ? in.k - 1 : in.k;
    for (std::int64_t g = j0; g < j1; g += 4) {
        const std::int64_t count = j1 - g < 4 ? j1 - g : 4;
        for (std::int64_t i = ia; i < ib; ++i)
            kernels.l1_rows(in.x + i * in.k, in.y + g * in.k, in.k, count, uniform ? nullptr : in.weights, len,
                            values + (i - ia) * pair_walk::kChunk + (g - j0));
    }
    for (std::int64_t i = ia; i < ib; ++i)
        for (std::int64_t j = j0; j < j1; ++j) {
            double& v = values[(i - ia) * pair_walk::kChunk + (j - j0)];
            v = finish_pair_value(in, uniform ? v * in.uniform_gap : v);
        }
}

}  // namespace

template <class Out>
void cdf_l1_pair_block(const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                       Out* out, int threads) {
    const InfoKernelTable& kernels = info_kernels();
    pair_walk::walk_tiles(in.n, in.m, i0, i1, symmetric, condensed, out, threads, static_cast<double>(in.k),
                          pair_walk::kMaxTileRows,
                          [&](std::int64_t ia, std::int64_t ib, std::int64_t j0, std::int64_t j1, double* values) {
                              cdf_l1_tile(kernels, in, ia, ib, j0, j1, values);
                          });
}

template <class Out>
void hist_wp_pair_block(const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed,
                        Out* out, int threads) {
    pair_walk::walk_block(in.n, in.m, i0, i1, symmetric, condensed, out, threads, static_cast<double>(in.k),
                          pair_walk::kMaxTileRows, [&](std::int64_t i, std::int64_t j) {
                              double v;
                              const HistRows<double> xr{in.x + i * in.k, 0, 1};
                              const HistRows<double> yr{in.y + j * in.k, 0, 1};
                              wasserstein_hist_rows(xr, yr, 1, in.k, in.weights, 1, in.order, &v, 1);
                              return finish_pair_value(in, v);
                          });
}

template void cdf_l1_pair_block<double>(const PairInputs&, std::int64_t, std::int64_t, bool, bool, double*, int);
template void cdf_l1_pair_block<float>(const PairInputs&, std::int64_t, std::int64_t, bool, bool, float*, int);
template void hist_wp_pair_block<double>(const PairInputs&, std::int64_t, std::int64_t, bool, bool, double*, int);
template void hist_wp_pair_block<float>(const PairInputs&, std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
