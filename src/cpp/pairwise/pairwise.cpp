#include "pairwise/pairwise.hpp"

#include "pairwise/pair_walk.hpp"

#include <cmath>

#include "info/info.hpp"
#include "core/threads.hpp"
#include "wasserstein/wasserstein_1d.hpp"

namespace pydiv {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

double finish_value(const PairInputs& in, double v) {
    v *= in.scale;
    return in.take_sqrt ? std::sqrt(v) : v;
}

// The fast JS of a pair sums (x log x + y log y)/2 - m log m, whose terms err
// by a few ulp of m log m each: about 4 ulp * H(m) in all.  When that could
// pass 1e-12 of the value (near-identical rows), the pair is recomputed by
// the accurate single-pair kernel.
constexpr double kJsPairRoundoff = 4 * 0x1p-52 / 1e-12;

// The accurate single-pair kernel on the rows as given, weighted by the
// ratio of their sums (as info.cpp does for one pair), so the rounding of the
// normalised rows does not count; on the normalised rows where the raw ones
// are absent or their sums leave the normal range.
double js_accurate_value(const InfoKernelTable& kernels, const PairInputs& in, std::int64_t i, std::int64_t j) {
    InfoPartial acc;
    if (in.x_raw && in.y_raw) {
        const double* a = in.x_raw + i * in.k;
        const double* b = in.y_raw + j * in.k;
        InfoPartial sums;
        kernels.sums_compensated(a, b, in.k, 1.0, 1.0, sums);
        const auto normal = [](double s) { return s >= 1e-250 && s <= 1e250; };
        if (normal(sums.sum_p) && normal(sums.sum_q)) {
            double rho_hi, rho_lo;
            sum_ratio(sums, rho_hi, rho_lo);
            kernels.js_accurate(a, b, in.k, rho_hi, rho_lo, acc);
            return 0.5 * acc.s / (sums.sum_p + sums.sum_p_lo);
        }
    }
    kernels.js_accurate(in.x + i * in.k, in.y + j * in.k, in.k, 1.0, 0.0, acc);  // normalised: rho = 1
    return 0.5 * acc.s;
}

double js_value(const InfoKernelTable& kernels, const PairInputs& in, std::int64_t i, std::int64_t j) {
    const double* x = in.x + i * in.k;
    const double* y = in.y + j * in.k;
    double mixture_entropy = 0.0;
    double v = kernels.js_pair(x, in.x_aux + i * in.k, y, in.y_aux + j * in.k, in.k, mixture_entropy);
    if (v < kJsPairRoundoff * mixture_entropy) v = js_accurate_value(kernels, in, i, j);
    return v < 0.0 ? 0.0 : (v > kLn2 ? kLn2 : v);  // rounding must not leave [0, log 2]
}

double pair_value(PairMetric metric, const InfoKernelTable& kernels, const PairInputs& in, std::int64_t i,
                  std::int64_t j) {
    double v;
    if (metric == PairMetric::js) {
        v = js_value(kernels, in, i, j);
    } else {
        const HistRows<double> xr{in.x + i * in.k, 0, 1};
        const HistRows<double> yr{in.y + j * in.k, 0, 1};
        wasserstein_hist_rows(xr, yr, 1, in.k, in.weights, 1, in.order, &v, 1);
    }
    return finish_value(in, v);
}

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
            v = finish_value(in, uniform ? v * in.uniform_gap : v);
        }
}

}  // namespace

template <class Out>
void pair_block(PairMetric metric, const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric,
                bool condensed, Out* out, int threads) {
    const InfoKernelTable& kernels = info_kernels();
    const double pair_cost = static_cast<double>(in.k);
    if (metric == PairMetric::cdf_l1) {
        pair_walk::walk_tiles(in.n, in.m, i0, i1, symmetric, condensed, out, threads, pair_cost,
                              pair_walk::kMaxTileRows,
                              [&](std::int64_t ia, std::int64_t ib, std::int64_t j0, std::int64_t j1, double* values) {
                                  cdf_l1_tile(kernels, in, ia, ib, j0, j1, values);
                              });
        return;
    }
    pair_walk::walk_block(in.n, in.m, i0, i1, symmetric, condensed, out, threads, pair_cost, pair_walk::kMaxTileRows,
                          [&](std::int64_t i, std::int64_t j) { return pair_value(metric, kernels, in, i, j); });
}

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

template void pair_block<double>(PairMetric, const PairInputs&, std::int64_t, std::int64_t, bool, bool, double*, int);
template void pair_block<float>(PairMetric, const PairInputs&, std::int64_t, std::int64_t, bool, bool, float*, int);
template std::int64_t samples_pair_block<double>(const CloudSet&, const CloudSet&, double, std::int64_t, std::int64_t,
                                                 bool, bool, double*, int);
template std::int64_t samples_pair_block<float>(const CloudSet&, const CloudSet&, double, std::int64_t, std::int64_t,
                                                bool, bool, float*, int);

}  // namespace pydiv
