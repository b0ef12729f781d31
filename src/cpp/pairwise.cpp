#include "pairwise.hpp"

#include <cmath>

#include "info.hpp"
#include "threads.hpp"

namespace pydiv {
namespace {

// Columns per task: enough work to amortise scheduling, small enough to balance.
constexpr std::int64_t kChunk = 32;
constexpr double kLn2 = 0.69314718055994530942;

std::int64_t condensed_offset(std::int64_t i, std::int64_t n) { return i * n - i * (i + 1) / 2; }

double pair_value(PairMetric metric, const InfoKernelTable& kernels, const PairInputs& in, std::int64_t i,
                  std::int64_t j) {
    const double* x = in.x + i * in.k;
    const double* y = in.y + j * in.k;
    double v;
    if (metric == PairMetric::js) {
        v = kernels.js_pair(x, in.x_aux + i * in.k, y, in.y_aux + j * in.k, in.k);
        v = v < 0.0 ? 0.0 : (v > kLn2 ? kLn2 : v);  // rounding must not leave [0, log 2]
    } else {
        v = kernels.weighted_l1(x, y, in.weights, in.k);
    }
    v *= in.scale;
    return in.take_sqrt ? std::sqrt(v) : v;
}

}  // namespace

template <class Out>
void pair_block(PairMetric metric, const PairInputs& in, std::int64_t i0, std::int64_t i1, bool symmetric,
                bool condensed, Out* out, int threads) {
    const InfoKernelTable& kernels = info_kernels();
    const std::int64_t rows = i1 - i0;
    const std::int64_t chunks = (in.m + kChunk - 1) / kChunk;
    const std::int64_t base = condensed ? condensed_offset(i0, in.n) : 0;
    const int nt = resolve_threads(threads);
    (void)nt;  // unused without OpenMP
#pragma omp parallel for collapse(2) schedule(dynamic, 1) num_threads(nt) if (nt > 1 && rows * chunks > 1)
    for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t c = 0; c < chunks; ++c) {
            const std::int64_t i = i0 + r;
            std::int64_t j0 = c * kChunk;
            const std::int64_t j1 = j0 + kChunk < in.m ? j0 + kChunk : in.m;
            if (symmetric && j0 <= i) j0 = i + 1;
            for (std::int64_t j = j0; j < j1; ++j) {
                const Out v = static_cast<Out>(pair_value(metric, kernels, in, i, j));
                if (condensed) {
                    out[condensed_offset(i, in.n) - base + (j - i - 1)] = v;
                } else {
                    out[r * in.m + j] = v;
                }
            }
        }
    }
    // Mirror inside the block afterwards: writing out[j][i] from the loop
    // above would make threads share cache lines (measured 2x slower on 2 threads).
    if (symmetric && !condensed) {
        for (std::int64_t i = i0; i < i1; ++i) {
            Out* row = out + (i - i0) * in.m;
            for (std::int64_t j = i0; j < i; ++j) row[j] = out[(j - i0) * in.m + i];
            row[i] = Out(0);
        }
    }
}

template void pair_block<double>(PairMetric, const PairInputs&, std::int64_t, std::int64_t, bool, bool, double*, int);
template void pair_block<float>(PairMetric, const PairInputs&, std::int64_t, std::int64_t, bool, bool, float*, int);

}  // namespace pydiv
