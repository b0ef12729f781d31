// The information reductions of info.hpp: the choice of the SIMD table,
// the fused pass per row (in fixed blocks merged in block order), and the
// second, normalised or accurate, pass when the identities of info.hpp
// would lose digits.  The constants below say when each pass is taken.
#include "info/info.hpp"

#include <cfloat>
#include <cmath>
#include <type_traits>
#include <vector>

#include "core/cpu_features.hpp"
#include "core/threads.hpp"

namespace pydiv {
namespace {

// Fixed block length: partial sums are merged in block order whatever the
// thread count, so results are reproducible across n_jobs.
constexpr std::int64_t kBlock = 1 << 16;
// Rows are staged through this many doubles when they are strided or float32.
constexpr std::int64_t kStage = 512;
// Below this many elements in all, threads cost more than they save.
constexpr std::int64_t kParallelThreshold = 1 << 15;
// The identity loses more than three digits: read the row again, normalised
// (rows whose sums leave the normal range; the others take the accurate
// passes below).
constexpr double kCancellation = 1e-3;
// The KL term pass errs by about 4 ulp * (1 + the identity's largest part)
// in absolute terms (the log of a quotient near 1 errs by an ulp however
// small the log): when that could pass 1e-13 / 2 of the result, take the
// accurate pass (near-identical rows, or parts that cancel).
constexpr double kKlRoundoff = 8 * 0x1p-52 / 1e-13;
// Entropy must be good to a few ulp: the identity -S/A + log A errs by about
// an ulp of its larger part, so rows whose parts exceed 1.5 H (counts, any
// row not summing to about 1) take the accurate pass.
constexpr double kEntropyParts = 1.5;
// The same for cross-entropy, to 1e-13 (then H(p) + KL(p || q), each accurate).
constexpr double kCrossEntropyRoundoff = 4 * 0x1p-52 / 1e-13;
// Jensen-Shannon's term pass errs by at most about 2.5 ulp * sum |x - y|
// (2 for the log, 0.5 for the product), which is at most 5 ulp * js_big;
// when that could pass 1e-13 of the result, take the accurate pass.
constexpr double kJsRoundoff = 5 * 0x1p-52 / 1e-13;
constexpr double kLn2 = 0.69314718055994530942;

// The single-pass term kernel of a kind; Jensen-Shannon's one pass is the
// accurate kernel (the streaming accumulators' case: row_result takes more).
InfoChunkKernel term_kernel(InfoKind kind) {
    const InfoKernelTable& t = info_kernels();
    switch (kind) {
        case InfoKind::entropy: return t.entropy;
        case InfoKind::cross_entropy: return t.cross_entropy;
        case InfoKind::kl: return t.kl;
        case InfoKind::js: return t.js_accurate;
    }
    return t.sums;
}

// One pass over elements [begin, end) of a row.
template <class T>
InfoPartial pass_range(InfoChunkKernel kernel, const T* p, std::int64_t ps, const T* q,
                       std::int64_t qs, std::int64_t begin, std::int64_t end, double sp,
                       double sq) {
    InfoPartial acc;
    if constexpr (std::is_same_v<T, double>) {
        if (ps == 1 && (q == nullptr || qs == 1)) {
            kernel(p + begin, q ? q + begin : nullptr, end - begin, sp, sq, acc);
            return acc;
        }
    }
    double bp[kStage];
    double bq[kStage];
    for (std::int64_t i = begin; i < end; i += kStage) {
        const std::int64_t len = end - i < kStage ? end - i : kStage;
        for (std::int64_t k = 0; k < len; ++k) bp[k] = static_cast<double>(p[(i + k) * ps]);
        if (q)
            for (std::int64_t k = 0; k < len; ++k) bq[k] = static_cast<double>(q[(i + k) * qs]);
        kernel(bp, q ? bq : nullptr, len, sp, sq, acc);
    }
    return acc;
}

template <class T>
struct Row {
    const T* p;
    std::int64_t ps;
    const T* q;
    std::int64_t qs;
    std::int64_t n;
};

// One full pass over a row, its blocks spread over `threads` threads when the
// row is long; the block partials are merged in order.
template <class T>
InfoPartial pass_row(InfoChunkKernel kernel, const Row<T>& r, double sp, double sq, int threads) {
    const std::int64_t n_blocks = (r.n + kBlock - 1) / kBlock;
    if (n_blocks <= 1 || threads <= 1) {
        InfoPartial acc;
        for (std::int64_t b = 0; b < n_blocks; ++b) {
            const std::int64_t end = (b + 1) * kBlock < r.n ? (b + 1) * kBlock : r.n;
            acc.merge(pass_range(kernel, r.p, r.ps, r.q, r.qs, b * kBlock, end, sp, sq));
        }
        return acc;
    }
    std::vector<InfoPartial> parts(static_cast<std::size_t>(n_blocks));
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
        const std::int64_t end = (b + 1) * kBlock < r.n ? (b + 1) * kBlock : r.n;
        parts[static_cast<std::size_t>(b)] = pass_range(kernel, r.p, r.ps, r.q, r.qs, b * kBlock, end, sp, sq);
    }
    InfoPartial acc;
    for (const InfoPartial& part : parts) acc.merge(part);
    return acc;
}

bool valid_side(double sum, double mn, double mx) {
    return !std::isnan(sum) && mn >= 0.0 && mx < HUGE_VAL && sum > 0.0;
}

bool normal_range(double sum) { return sum >= 1e-250 && sum <= 1e250; }

// A power of two that brings a positive maximum near 1: exact, and never
// infinite (1 / 5e-324 would be).
double scale_for(double max) {
    int e = std::ilogb(max);
    e = e < -1000 ? -1000 : (e > 1000 ? 1000 : e);
    return std::ldexp(1.0, -e);
}

// The power of two one side's values take before the term pass: down, just
// enough that n values at the maximum times a log (under 2^11) stay finite,
// so small elements keep their digits; up where the sum is subnormal; else 1.
double side_scale(double sum, double max, std::int64_t n, bool term_overflowed) {
    if (term_overflowed || !std::isfinite(sum)) {
        const int e = std::ilogb(max) + std::ilogb(static_cast<double>(n)) + 2 + 11 - 1023;
        return std::ldexp(1.0, -(e > 1 ? e : 1));
    }
    return sum < DBL_MIN ? scale_for(max) : 1.0;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// log(b / a) for positive finite a and b, whose quotient may leave the range.
double log_quotient(double b, double a) {
    const double r = b / a;
    return r >= DBL_MIN && r <= DBL_MAX ? std::log(r) : std::log(b) - std::log(a);
}

// The normalised result of a term pass over values scaled to sums A and B.
double finish(InfoKind kind, const InfoPartial& a) {
    switch (kind) {
        case InfoKind::entropy: return -a.s / a.sum_p + std::log(a.sum_p);
        case InfoKind::cross_entropy:
            return a.n_inf > 0 ? kInf : -a.s / a.sum_p + std::log(a.sum_q);
        case InfoKind::kl: {
            if (a.n_inf > 0) return kInf;
            const double r = a.s / a.sum_p + log_quotient(a.sum_q, a.sum_p);
            return r > 0.0 ? r : 0.0;  // KL >= 0; rounding may leave -1e-17
        }
        case InfoKind::js: break;  // row_result finishes Jensen-Shannon itself
    }
    return kNaN;
}

// The two parts of the identity whose sum is the result, to detect cancellation.
double largest_part(InfoKind kind, const InfoPartial& a) {
    const double t1 = std::fabs(a.s / a.sum_p);
    const double t2 = kind == InfoKind::entropy         ? std::fabs(std::log(a.sum_p))
                      : kind == InfoKind::cross_entropy ? std::fabs(std::log(a.sum_q))
                                                        : std::fabs(log_quotient(a.sum_q, a.sum_p));
    return t1 > t2 ? t1 : t2;
}

// A / B as a double-double from plain sums a and b: the remainder is exact.
void plain_ratio(double a, double b, double& rho_hi, double& rho_lo) {
    rho_hi = a / b;
    rho_lo = std::fma(-rho_hi, b, a) / b;
}

// KL by the accurate kernel on p and rho q, rho the ratio of the fast pass's
// plain sums; kl_from_accurate() corrects for their rounding (s_diff), and
// where that correction would cancel the result, rho is taken from the
// compensated sums instead.  NaN where y = rho q left the range (the caller
// then keeps its own way).
template <class T>
double kl_accurate_row(const Row<T>& r, const InfoPartial& fast, int threads) {
    const InfoKernelTable& t = info_kernels();
    double rho_hi, rho_lo;
    plain_ratio(fast.sum_p, fast.sum_q, rho_hi, rho_lo);
    if (!(rho_hi >= 1e-200 && rho_hi <= 1e200)) return kNaN;
    InfoPartial b = pass_row(t.kl_accurate, r, rho_hi, rho_lo, threads);
    double v = kl_from_accurate(b);
    const double drift = b.s_diff / (b.sum_p + b.sum_p_lo);
    if (drift * drift > 16.0 * v) {
        const InfoPartial sums = pass_row(t.sums_compensated, r, 1.0, 1.0, threads);
        sum_ratio(sums, rho_hi, rho_lo);
        b = pass_row(t.kl_accurate, r, rho_hi, rho_lo, threads);
        v = kl_from_accurate(b);
    }
    return b.n_inf == fast.n_inf ? v : kNaN;  // rho q underflowed somewhere
}

// H by the accurate kernel, its logs taken against the fast pass's plain sum
// A'; with the exact total A from the same pass's compensated sum,
//     H = (1/A) sum p log(A/p) = (1/A) sum p log(A'/p) - log(A'/A).
template <class T>
double entropy_accurate_row(const Row<T>& r, const InfoPartial& fast, int threads) {
    const InfoPartial h = pass_row(info_kernels().entropy_accurate, r, fast.sum_p, 0.0, threads);
    const double total = h.sum_p + h.sum_p_lo;
    const double total_lo = h.sum_p_lo - (total - h.sum_p);
    const double drift = ((fast.sum_p - total) - total_lo) / total;  // A'/A - 1
    const double v = (h.s + h.s_lo) / total - std::log1p(drift);
    return v > 0.0 ? v : 0.0;
}

template <class T>
double row_result(InfoKind kind, const Row<T>& r, int threads) {
    const bool has_q = kind != InfoKind::entropy;
    if (kind == InfoKind::js) {
        const InfoKernelTable& t = info_kernels();
        const InfoPartial s = pass_row(t.sums, r, 1.0, 1.0, threads);
        if (!valid_side(s.sum_p, s.min_p, s.max_p) || !valid_side(s.sum_q, s.min_q, s.max_q)) return kNaN;
        double sp = 1.0 / s.sum_p;
        double sq = 1.0 / s.sum_q;
        if (!normal_range(s.sum_p) || !normal_range(s.sum_q)) {
            // Sums that overflow or are tiny: bring the maxima near 1 first.
            const double cp = scale_for(s.max_p);
            const double cq = scale_for(s.max_q);
            const InfoPartial s2 = pass_row(t.sums, r, cp, cq, threads);
            sp = cp / s2.sum_p;
            sq = cq / s2.sum_q;
            // Subnormal data cannot be normalised by one factor: the caller rescales.
            if (!std::isfinite(sp) || !std::isfinite(sq)) return kNaN;
        }
        const InfoPartial a = pass_row(t.js, r, sp, sq, threads);
        double v = 0.5 * a.s;  // the scaled rows sum to 1
        if (kJsRoundoff * a.js_big > a.s && normal_range(s.sum_p) && normal_range(s.sum_q)) {
            // Near-identical rows: the accurate pass, on p and (A / B) q.  (Rows
            // whose sums needed scaling keep the term pass's value.)
            const InfoPartial exact = pass_row(t.sums_compensated, r, 1.0, 1.0, threads);
            double rho_hi, rho_lo;
            sum_ratio(exact, rho_hi, rho_lo);
            const InfoPartial b = pass_row(t.js_accurate, r, rho_hi, rho_lo, threads);
            v = 0.5 * b.s / (exact.sum_p + exact.sum_p_lo);
        }
        return v < 0.0 ? 0.0 : (v > kLn2 ? kLn2 : v);
    }
    const InfoChunkKernel kernel = term_kernel(kind);
    InfoPartial a = pass_row(kernel, r, 1.0, 1.0, threads);
    if (!valid_side(a.sum_p, a.min_p, a.max_p) || (has_q && !valid_side(a.sum_q, a.min_q, a.max_q)))
        return kNaN;
    if ((kind == InfoKind::kl || kind == InfoKind::cross_entropy) && a.n_inf > 0) return kInf;
    // A sum or the term sum overflowed, or a sum is subnormal: rescale the
    // side(s) concerned, no further than needed, and go on.
    const double sp = side_scale(a.sum_p, a.max_p, r.n, !std::isfinite(a.s));
    const double sq = has_q ? side_scale(a.sum_q, a.max_q, r.n, false) : 1.0;
    if (sp != 1.0 || sq != 1.0) a = pass_row(kernel, r, sp, sq, threads);
    const double result = finish(kind, a);
    if (sp == 1.0 && sq == 1.0 && normal_range(a.sum_p) && (!has_q || normal_range(a.sum_q))) {
        const double parts = largest_part(kind, a);
        if (kind == InfoKind::entropy && std::fabs(a.s / a.sum_p) + std::fabs(std::log(a.sum_p)) > kEntropyParts * result)
            return entropy_accurate_row(r, a, threads);
        if (kind == InfoKind::kl && result < kKlRoundoff * (1.0 + parts)) {
            const double v = kl_accurate_row(r, a, threads);
            if (!std::isnan(v)) return v;
        }
        if (kind == InfoKind::cross_entropy && result < kCrossEntropyRoundoff * (1.0 + parts))
            return row_result(InfoKind::entropy, r, threads) + row_result(InfoKind::kl, r, threads);
    }
    if (std::fabs(result) < kCancellation * largest_part(kind, a)) {
        if (!std::isfinite(sp / a.sum_p) || (has_q && !std::isfinite(sq / a.sum_q))) return kNaN;
        const InfoPartial b = pass_row(kernel, r, sp / a.sum_p, has_q ? sq / a.sum_q : 1.0, threads);
        if (has_q && b.n_inf > 0) {
            // Normalising q underflowed some of its elements to zero: q / B
            // is not representable.  Cross-entropy is H(p) + KL(p || q), two
            // non-negative parts; KL keeps the identity's value.
            if (kind == InfoKind::cross_entropy)
                return row_result(InfoKind::entropy, r, threads) + row_result(InfoKind::kl, r, threads);
            return result;
        }
        return finish(kind, b);
    }
    return result;
}

template <class T>
Row<T> row_of(const RowsView<T>& p, const RowsView<T>& q, std::int64_t i, bool has_q) {
    return {p.row(i), p.col_stride, has_q ? q.row(i) : nullptr, q.col_stride, p.cols};
}

}  // namespace

void sum_ratio(const InfoPartial& sums, double& rho_hi, double& rho_lo) {
    const double a = sums.sum_p + sums.sum_p_lo;
    const double a_lo = sums.sum_p_lo - (a - sums.sum_p);
    const double b = sums.sum_q + sums.sum_q_lo;
    const double b_lo = sums.sum_q_lo - (b - sums.sum_q);
    rho_hi = a / b;
    // (a + a_lo - rho_hi (b + b_lo)) / b, with rho_hi * b's rounding error exact.
    const double product = rho_hi * b;
    rho_lo = ((a - product) - std::fma(rho_hi, b, -product) + a_lo - rho_hi * b_lo) / b;
}

double kl_from_accurate(const InfoPartial& a) {
    if (a.n_inf > 0) return kInf;
    const double total = a.sum_p + a.sum_p_lo;
    const double t = a.s_diff / total;
    // h(t) = t + log(1 - t); its series where the direct form would cancel.
    const double h = std::fabs(t) < 1e-4 ? -t * t * (0.5 + t * (1.0 / 3 + t * (0.25 + t * 0.2)))
                                         : t + std::log1p(-t);
    const double r = a.s / total + h;
    return r > 0.0 ? r : 0.0;
}

const InfoKernelTable& info_kernels() {
    static const InfoKernelTable table =
#if defined(__x86_64__) || defined(_M_X64)
        simd_level() == SimdLevel::avx512 ? info_kernels_avx512() :
        simd_level() == SimdLevel::avx2   ? info_kernels_avx2() :
#endif
                                        info_kernels_baseline();
    return table;
}

template <class T>
void info_rows(InfoKind kind, const RowsView<T>& p, const RowsView<T>& q, double* out, int threads) {
    const bool has_q = kind != InfoKind::entropy;
    const int nt = resolve_threads(threads);
    const bool parallel = nt > 1 && p.rows * p.cols >= kParallelThreshold;
    if (p.rows >= 2 * nt || !parallel) {
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (parallel)
        for (std::int64_t i = 0; i < p.rows; ++i) out[i] = row_result(kind, row_of(p, q, i, has_q), 1);
    } else {
        for (std::int64_t i = 0; i < p.rows; ++i) out[i] = row_result(kind, row_of(p, q, i, has_q), nt);
    }
}

template <class T>
void info_pairs(InfoKind kind, const RowsView<T>& p, const RowsView<T>& q, const std::int64_t* i,
                const std::int64_t* j, std::int64_t count, double* out, int threads) {
    const bool has_q = kind != InfoKind::entropy;
    const int nt = resolve_threads(threads);
    const bool parallel = nt > 1 && count * p.cols >= kParallelThreshold;
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (parallel)
    for (std::int64_t c = 0; c < count; ++c) {
        const Row<T> r{p.data + i[c] * p.row_stride, p.col_stride,
                       has_q ? q.data + j[c] * q.row_stride : nullptr, q.col_stride, p.cols};
        out[c] = row_result(kind, r, 1);
    }
}

template <class T>
void info_partials(InfoKind kind, const RowsView<T>& p, const RowsView<T>& q, double sp, double sq,
                   double* out, int threads) {
    const bool has_q = kind != InfoKind::entropy;
    const int nt = resolve_threads(threads);
    const bool parallel = nt > 1 && p.rows * p.cols >= kParallelThreshold;
    const bool rows_parallel = p.rows >= 2 * nt || !parallel;
    // The streaming JS accumulator has one pass only: the accurate one, on p
    // and (sq / sp) q, scaled by sp afterwards.
    const bool js = kind == InfoKind::js;
    const InfoChunkKernel kernel = term_kernel(kind);
    const double rho_hi = sq / sp;
    const double product = rho_hi * sp;
    const double rho_lo = ((sq - product) - std::fma(rho_hi, sp, -product)) / sp;
    const double k1 = js ? rho_hi : sp;
    const double k2 = js ? rho_lo : sq;
    const double unit = js ? sp : 1.0;
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (parallel && rows_parallel)
    for (std::int64_t i = 0; i < p.rows; ++i) {
        const InfoPartial a = pass_row(kernel, row_of(p, q, i, has_q), k1, k2, rows_parallel ? 1 : nt);
        // A chunk of zeros is fine in a stream; only the total must be positive.
        const bool ok = !std::isnan(a.sum_p) && a.min_p >= 0.0 && a.max_p < HUGE_VAL &&
                        (!has_q || (!std::isnan(a.sum_q) && a.min_q >= 0.0 && a.max_q < HUGE_VAL));
        out[4 * i + 0] = ok ? a.s * unit : kNaN;
        out[4 * i + 1] = a.sum_p * unit;
        out[4 * i + 2] = a.sum_q * unit;
        out[4 * i + 3] = a.n_inf;
    }
}

template void info_rows<float>(InfoKind, const RowsView<float>&, const RowsView<float>&, double*, int);
template void info_rows<double>(InfoKind, const RowsView<double>&, const RowsView<double>&, double*, int);
template void info_pairs<float>(InfoKind, const RowsView<float>&, const RowsView<float>&, const std::int64_t*,
                                const std::int64_t*, std::int64_t, double*, int);
template void info_pairs<double>(InfoKind, const RowsView<double>&, const RowsView<double>&, const std::int64_t*,
                                 const std::int64_t*, std::int64_t, double*, int);
template void info_partials<float>(InfoKind, const RowsView<float>&, const RowsView<float>&, double, double, double*, int);
template void info_partials<double>(InfoKind, const RowsView<double>&, const RowsView<double>&, double, double, double*, int);

}  // namespace pydiv
