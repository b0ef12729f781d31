// Jensen-Shannon distance matrices (PairMetric::js): rows normalised, plus
// x log x per element, prepared once by the caller; per pair one log per
// element (info_kernels().js_pair), and the accurate single-pair kernel for
// the rare near-identical pair whose sum would cancel.
#include <cstdint>

#include "info/info.hpp"
#include "pairwise/pair_kernels.hpp"
#include "pairwise/pair_walk.hpp"

namespace pydiv {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

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

}  // namespace

template <class Out>
void js_pair_block(const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric, bool condensed, Out* out,
                   int threads) {
    const InfoKernelTable& kernels = info_kernels();
    pair_walk::walk_block(in.n, in.m, i0, i1, symmetric, condensed, out, threads, static_cast<double>(in.k),
                          pair_walk::kMaxTileRows, [&](std::int64_t i, std::int64_t j) {
                              return finish_pair_value(in, js_value(kernels, in, i, j));
                          });
}

template void js_pair_block<double>(const PairInputs&, std::int64_t, std::int64_t, bool, bool, double*, int);
template void js_pair_block<float>(const PairInputs&, std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
