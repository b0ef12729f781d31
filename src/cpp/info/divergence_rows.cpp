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

template <class Term>
double row_divergence(const double* p, const double* q, std::int64_t n, std::int64_t ps, std::int64_t qs) {
    InfoPartial sums;
    if (!row_sums(p, q, n, ps, qs, sums)) return kNaN;
    double rho_hi, rho_lo;
    sum_ratio(sums, rho_hi, rho_lo);
    double s = 0.0, only_x = 0.0, only_y = 0.0;
    bool any_x = false, any_y = false;
    for (std::int64_t k = 0; k < n; ++k) {
        const double a = p[k * ps];
        const double b = q[k * qs];
        if (a > 0.0 && b > 0.0) {
            const double t = rho_hi * b;
            const double d = ((a - t) - scalar::product_error(rho_hi, b, t)) - rho_lo * b;
            s += Term::both(a, t, d);
        } else if (a > 0.0) {
            only_x += a;
            any_x = true;
        } else if (b > 0.0) {
            only_y += rho_hi * b;
            any_y = true;
        }
    }
    // inf * 0 must not turn an absent side into NaN.
    if (any_x) s += Term::only_x * only_x;
    if (any_y) s += Term::only_y * only_y;
    return Term::finish(s / (sums.sum_p + sums.sum_p_lo));
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
