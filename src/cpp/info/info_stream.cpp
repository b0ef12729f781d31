// The per-row partials and the two-bin merge of info_stream.hpp, from the
// accurate kernels of the current SIMD table; rows on OpenMP threads, each
// row's values independent of the thread count.
#include "info/info_stream.hpp"

#include <cmath>

#include "info/info_scalar.hpp"
#include "core/threads.hpp"

namespace pydiv {

void info_stream_partials(InfoKind kind, const RowsView<double>& p, const RowsView<double>& q, double* out,
                          int threads) {
    const InfoKernelTable& t = info_kernels();
    const bool kl = kind == InfoKind::kl || kind == InfoKind::cross_entropy;
    const bool entropy = kind == InfoKind::entropy || kind == InfoKind::cross_entropy;
    const int h_column = kind == InfoKind::entropy ? 0 : 1;
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
        if (entropy && sums.sum_p > 0.0) {
            InfoPartial a;
            t.entropy_accurate(pi, nullptr, p.cols, sums.sum_p, sums.sum_p_lo, a);
            o[h_column] = a.s + a.s_lo;
        }
        if (!kl) continue;
        double r_hi = 0.0;
        double r_lo = 0.0;
        if (sums.sum_p > 0.0 && sums.sum_q > 0.0) sum_ratio(sums, r_hi, r_lo);
        if (!(r_hi > 0.0) || !std::isfinite(r_hi)) {
            // No weight (a side sums to zero): only supports count (x > 0 == q is +inf).
            double n_inf = 0.0;
            for (std::int64_t k = 0; k < p.cols; ++k) n_inf += (pi[k] > 0.0 && !(qi[k] > 0.0)) ? 1.0 : 0.0;
            o[6] = n_inf;
            continue;
        }
        InfoPartial a;
        t.kl_accurate(pi, qi, p.cols, r_hi, r_lo, a);
        o[0] = a.s;
        if (!entropy) o[1] = a.s_diff;
        o[6] = a.n_inf;
        o[7] = r_hi;
        o[8] = r_lo;
    }
}

namespace {

struct DoubleDouble {
    double hi, lo;
};

// a * b - c * d to about 2^-104 of the products (each product exact by FMA).
double determinant(DoubleDouble a, DoubleDouble b, DoubleDouble c, DoubleDouble d) {
    const double ab = a.hi * b.hi;
    const double cd = c.hi * d.hi;
    const double rest = (std::fma(a.hi, b.hi, -ab) - std::fma(c.hi, d.hi, -cd)) +
                        ((a.hi * b.lo + a.lo * b.hi) - (c.hi * d.lo + c.lo * d.hi));
    return (ab - cd) + rest;
}

// The term x log(x / y) - (x - y) >= 0 of one part, from x = a_k, y = rho b_k,
// rho = a / b, and d = x - y given exactly.
double merge_term(double a_k, double b_k, double a, double b, double d) {
    if (a_k == 0.0) return a * (b_k / b);  // y
    if (b_k == 0.0) return HUGE_VAL;
    const double y = a * (b_k / b);
    const double z = d / (a_k + y);
    if (std::fabs(z) <= scalar::kKlSeriesMax) return (a_k + y) * scalar::kl_series(z);
    return a_k * (scalar::log_ratio(a_k, b_k) + std::log(b / a)) - d;
}

}  // namespace

void kl_merge_gain(const double* totals, std::int64_t rows, double* out) {
    for (std::int64_t i = 0; i < rows; ++i) {
        const double* t = totals + i * 8;
        const double big_a = std::fmax(t[0], t[4]);
        const double big_b = std::fmax(t[2], t[6]);
        if (!(big_a > 0.0) || !(big_b > 0.0)) {
            out[i] = 0.0;
            continue;
        }
        // Each side brought near 1 (exact but where a far smaller part
        // underflows, which then weighs nothing).
        int ea = 0;
        int eb = 0;
        std::frexp(big_a, &ea);
        std::frexp(big_b, &eb);
        const auto scaled = [](const double* v, int e) { return DoubleDouble{std::ldexp(v[0], -e), std::ldexp(v[1], -e)}; };
        const DoubleDouble ax = scaled(t, ea), bx = scaled(t + 2, eb), ay = scaled(t + 4, ea), by = scaled(t + 6, eb);
        const double a = (ax.hi + ay.hi) + (ax.lo + ay.lo);
        const double b = (bx.hi + by.hi) + (bx.lo + by.lo);
        // x_x - y_x = A_x - (A / B) B_x = (A_x B_y - A_y B_x) / B = -(x_y - y_y).
        const double d_x = determinant(ax, by, ay, bx) / b;
        const double gain = merge_term(ax.hi + ax.lo, bx.hi + bx.lo, a, b, d_x) +
                            merge_term(ay.hi + ay.lo, by.hi + by.lo, a, b, -d_x);
        out[i] = std::ldexp(gain, ea);
    }
}

}  // namespace pydiv
