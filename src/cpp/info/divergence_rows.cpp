// divergence_rows: the sum pass, then the term pass (divergence_rows.hpp).
#include "info/divergence_rows.hpp"

#include <cmath>
#include <limits>

#include "core/threads.hpp"
#include "info/divergence_terms.hpp"
#include "info/info_scalar.hpp"

namespace pydiv {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The compensated totals of one row pair; false when a value is invalid or
// a total is zero or not a normal number.
bool row_sums(const double* p, const double* q, std::int64_t n, std::int64_t ps, std::int64_t qs,
              InfoPartial& sums) {
    bool valid = true;
    for (std::int64_t k = 0; k < n; ++k) {
        const double a = p[k * ps];
        const double b = q[k * qs];
        // !(a >= 0) is true for NaN and negatives; inf is caught by the totals.
        valid &= (a >= 0.0) & (b >= 0.0);
        scalar::add_fast2sum(sums.sum_p, sums.sum_p_lo, a);
        scalar::add_fast2sum(sums.sum_q, sums.sum_q_lo, b);
    }
    const auto normal = [](double v) { return v >= std::numeric_limits<double>::min() && v <= 1e300; };
    return valid && normal(sums.sum_p) && normal(sums.sum_q);
}

// The terms of one row pair, the row of the smaller total weighed up by the
// ratio of the totals (sigma = big / small >= 1, a double-double): weighing
// the other row down could underflow its small entries to zero, weighing up
// stays below the larger total, a normal number.  d = x - y is formed with
// the rounding of sigma * small recovered exactly.
template <class Term>
double scaled_sum(const double* small, std::int64_t ss, const double* big, std::int64_t bs, std::int64_t n,
                  double sigma_hi, double sigma_lo, bool small_is_p) {
    double s = 0.0, only_small = 0.0, only_big = 0.0;
    bool any_small = false, any_big = false;
    for (std::int64_t k = 0; k < n; ++k) {
        const double a = small[k * ss];
        const double b = big[k * bs];
        if (a > 0.0 && b > 0.0) {
            const double t = sigma_hi * a;
            const double d = ((t - b) + scalar::product_error(sigma_hi, a, t)) + sigma_lo * a;
            s += small_is_p ? Term::both(t, b, d) : Term::both(b, t, -d);
        } else if (a > 0.0) {
            only_small += sigma_hi * a;
            any_small = true;
        } else if (b > 0.0) {
            only_big += b;
            any_big = true;
        }
    }
    // inf * 0 must not turn an absent side into NaN.
    const double coef_small = small_is_p ? Term::only_x : Term::only_y;
    const double coef_big = small_is_p ? Term::only_y : Term::only_x;
    if (any_small) s += coef_small * only_small;
    if (any_big) s += coef_big * only_big;
    return s;
}

template <class Term>
double row_divergence(const double* p, const double* q, std::int64_t n, std::int64_t ps, std::int64_t qs) {
    InfoPartial sums;
    if (!row_sums(p, q, n, ps, qs, sums)) return kNaN;
    const bool small_is_p = sums.sum_p <= sums.sum_q;
    InfoPartial ratio;  // big / small: sum_ratio gives sum_p / sum_q
    ratio.sum_p = small_is_p ? sums.sum_q : sums.sum_p;
    ratio.sum_p_lo = small_is_p ? sums.sum_q_lo : sums.sum_p_lo;
    ratio.sum_q = small_is_p ? sums.sum_p : sums.sum_q;
    ratio.sum_q_lo = small_is_p ? sums.sum_p_lo : sums.sum_q_lo;
    double sigma_hi, sigma_lo;
    sum_ratio(ratio, sigma_hi, sigma_lo);
    const double s = small_is_p ? scaled_sum<Term>(p, ps, q, qs, n, sigma_hi, sigma_lo, true)
                                : scaled_sum<Term>(q, qs, p, ps, n, sigma_hi, sigma_lo, false);
    return Term::finish(s / (ratio.sum_p + ratio.sum_p_lo));  // over the larger total
}

template <class Term>
void rows_of_kind(const RowsView<double>& p, const RowsView<double>& q, double* out, int threads) {
    const std::int64_t rows = p.rows;
    const int team = rows > 1 ? resolve_threads(threads) : 1;
#pragma omp parallel for schedule(static) num_threads(team) if (team > 1 && rows * p.cols > 32768)
    for (std::int64_t r = 0; r < rows; ++r)
        out[r] = row_divergence<Term>(p.row(r), q.row(r), p.cols, p.col_stride, q.col_stride);
}

}  // namespace

void divergence_rows(DivergenceKind kind, const RowsView<double>& p, const RowsView<double>& q, double* out,
                     int threads) {
    switch (kind) {
        case DivergenceKind::hellinger: rows_of_kind<terms::HellingerTerm>(p, q, out, threads); break;
        case DivergenceKind::total_variation: rows_of_kind<terms::TotalVariationTerm>(p, q, out, threads); break;
        case DivergenceKind::bhattacharyya: rows_of_kind<terms::BhattacharyyaTerm>(p, q, out, threads); break;
        case DivergenceKind::chi2: rows_of_kind<terms::Chi2Term>(p, q, out, threads); break;
        case DivergenceKind::jeffreys: rows_of_kind<terms::JeffreysTerm>(p, q, out, threads); break;
    }
}

}  // namespace pydiv
