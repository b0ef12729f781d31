// divergence_rows: the sum pass, the ratio of the totals, the term pass and
// the result of each row (divergence_rows.hpp), through the SIMD table of
// divergence_kernels(); strided rows are gathered into contiguous ones first.
#include "info/divergence_rows.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "core/cpu_features.hpp"
#include "core/threads.hpp"
#include "info/divergence_kernels.hpp"
#include "info/divergence_terms.hpp"

namespace pydiv {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The divergence from the term sums over the larger total.
double finish(DivergenceKind kind, const TermSums& t, double total) {
    const double v = t.s / total;
    switch (kind) {
        case DivergenceKind::hellinger: return terms::HellingerTerm::finish(v);
        case DivergenceKind::total_variation: return terms::TotalVariationTerm::finish(v);
        case DivergenceKind::bhattacharyya: return terms::BhattacharyyaTerm::finish(v);
        case DivergenceKind::chi2: return terms::Chi2Term::finish(v);
        case DivergenceKind::jeffreys: return terms::JeffreysTerm::finish(v);
        case DivergenceKind::bhattacharyya_distance: {
            const double h2 = v < 0.0 ? 0.0 : 0.5 * v;  // H^2 = 1 - BC
            if (h2 < 0.5) return -std::log1p(-h2);
            const double bc = terms::BhattacharyyaTerm::finish(t.s2 / total);
            return bc > 0.0 ? -std::log(bc) : std::numeric_limits<double>::infinity();
        }
    }
    return kNaN;
}

// A strided row gathered into `stage` (n doubles), so that every layout
// runs the same kernel and gives the same bits.
const double* contiguous(const double* row, std::int64_t n, std::int64_t stride, double* stage) {
    if (stride == 1) return row;
    for (std::int64_t k = 0; k < n; ++k) stage[k] = row[k * stride];
    return stage;
}

}  // namespace

double divergence_row(DivergenceKind kind, const DivergenceKernelTable& table, const double* p, const double* q,
                      std::int64_t n) {
    InfoPartial sums;
    if (!table.sums(p, q, n, sums)) return kNaN;
    const bool small_is_p = sums.sum_p <= sums.sum_q;
    InfoPartial ratio;  // big / small: sum_ratio gives sum_p / sum_q
    ratio.sum_p = small_is_p ? sums.sum_q : sums.sum_p;
    ratio.sum_p_lo = small_is_p ? sums.sum_q_lo : sums.sum_p_lo;
    ratio.sum_q = small_is_p ? sums.sum_p : sums.sum_q;
    ratio.sum_q_lo = small_is_p ? sums.sum_p_lo : sums.sum_q_lo;
    // Totals more than 2^600 apart: the small row is weighed up by a power
    // of two first (exactly; at most 2^1000, after which sigma < 2^1023).
    double unit = 1.0;
    const int gap = std::ilogb(ratio.sum_p) - std::ilogb(ratio.sum_q);
    if (gap > 600) {
        unit = std::ldexp(1.0, gap - 300 < 1000 ? gap - 300 : 1000);
        ratio.sum_q *= unit;
        ratio.sum_q_lo *= unit;
    }
    double sigma_hi, sigma_lo;
    sum_ratio(ratio, sigma_hi, sigma_lo);
    const TermSums t = table.terms[static_cast<int>(kind)](small_is_p ? p : q, small_is_p ? q : p, n, sigma_hi,
                                                           sigma_lo, unit, small_is_p);
    return finish(kind, t, ratio.sum_p + ratio.sum_p_lo);  // over the larger total
}

const DivergenceKernelTable& divergence_kernels() {
    static const DivergenceKernelTable table =
#if defined(__x86_64__) || defined(_M_X64)
        simd_level() == SimdLevel::avx512 ? divergence_kernels_avx512() :
        simd_level() == SimdLevel::avx2   ? divergence_kernels_avx2() :
#endif
                                        divergence_kernels_baseline();
    return table;
}

void divergence_rows(DivergenceKind kind, const RowsView<double>& p, const RowsView<double>& q, double* out,
                     int threads) {
    const DivergenceKernelTable& table = divergence_kernels();
    const std::int64_t rows = p.rows;
    const std::int64_t n = p.cols;
    const int team = rows > 1 && rows * n > 32768 ? resolve_threads(threads) : 1;
    // Staging room per thread, allocated here so that a failure is an
    // exception to the caller, not inside the parallel region.
    const bool strided = p.col_stride != 1 || q.col_stride != 1;
    std::vector<double> stage(strided ? static_cast<std::size_t>(team) * 2 * static_cast<std::size_t>(n) : 0);
    // Dynamic chunks of about 16k elements: a thread the OS holds back
    // (a busy machine) delays only its chunk, and a row is still summed by
    // one thread, so the results do not change.
    const std::int64_t chunk = n >= 16384 ? 1 : 16384 / (n > 0 ? n : 1);
#pragma omp parallel num_threads(team) if (team > 1)
    {
        double* mine = strided ? stage.data() + static_cast<std::size_t>(omp_get_thread_num()) * 2 * n : nullptr;
#pragma omp for schedule(dynamic, chunk)
        for (std::int64_t r = 0; r < rows; ++r)
            out[r] = divergence_row(kind, table, contiguous(p.row(r), n, p.col_stride, mine),
                                    contiguous(q.row(r), n, q.col_stride, strided ? mine + n : nullptr), n);
    }
}

}  // namespace pydiv
