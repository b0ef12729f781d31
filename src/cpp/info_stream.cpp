#include "info_stream.hpp"

#include <cmath>

#include "threads.hpp"

namespace pydiv {

void info_stream_partials(InfoKind kind, const RowsView<double>& p, const RowsView<double>& q,
                          const double* rho_hi, const double* rho_lo, double* out, int threads) {
    const InfoKernelTable& t = info_kernels();
    const bool kl = kind == InfoKind::kl;
    const int nt = resolve_threads(threads);
    const bool parallel = nt > 1 && p.rows * p.cols >= (1 << 15);
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (parallel)
    for (std::int64_t i = 0; i < p.rows; ++i) {
        const double* pi = p.data + i * p.row_stride;
        const double* qi = kl ? q.data + i * q.row_stride : nullptr;
        InfoPartial sums;
        t.sums_compensated(pi, kl ? qi : pi, p.cols, 1.0, 1.0, sums);
        const bool valid = !std::isnan(sums.sum_p) && sums.min_p >= 0.0 && sums.max_p < HUGE_VAL &&
                           (!kl || (!std::isnan(sums.sum_q) && sums.min_q >= 0.0 && sums.max_q < HUGE_VAL));
        double* o = out + i * kStreamColumns;
        for (int k = 0; k < kStreamColumns; ++k) o[k] = 0.0;
        o[2] = sums.sum_p;
        o[3] = sums.sum_p_lo;
        o[4] = kl ? sums.sum_q : 0.0;
        o[5] = kl ? sums.sum_q_lo : 0.0;
        o[9] = valid ? 1.0 : 0.0;
        if (!valid) continue;
        if (!kl) {
            if (!(sums.sum_p > 0.0)) continue;
            InfoPartial a;
            t.entropy_accurate(pi, nullptr, p.cols, sums.sum_p, sums.sum_p_lo, a);
            o[0] = a.s + a.s_lo;
            continue;
        }
        double r_hi = rho_hi[i];
        double r_lo = rho_lo[i];
        if (!(r_hi > 0.0) && sums.sum_p > 0.0 && sums.sum_q > 0.0) sum_ratio(sums, r_hi, r_lo);
        if (!(r_hi > 0.0) || !std::isfinite(r_hi)) {
            // No weight yet: only supports count (x > 0 == q is +inf).
            double n_inf = 0.0;
            for (std::int64_t k = 0; k < p.cols; ++k) n_inf += (pi[k] > 0.0 && !(qi[k] > 0.0)) ? 1.0 : 0.0;
            o[6] = n_inf;
            continue;
        }
        InfoPartial a;
        t.kl_accurate(pi, qi, p.cols, r_hi, r_lo, a);
        o[0] = a.s;
        o[1] = a.s_diff;
        o[6] = a.n_inf;
        o[7] = r_hi;
        o[8] = r_lo;
    }
}

}  // namespace pydiv
