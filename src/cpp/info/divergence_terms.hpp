// Per-element terms of the divergences between two histograms, shared by
// the dense rows (divergence_rows.cpp) and the sparse rows
// (sparse/merge_walk.hpp).
//
// A term is f(x, y, d) >= 0 with f(0, 0) = 0, positively homogeneous of
// degree 1 (f(c x, c y) = c f(x, y)), applied per column to x = a_k and
// y = rho b_k, where a and b are the two rows as given and rho = A / B
// (a double-double) the ratio of their totals, and d = x - y formed exactly.
// So sum_k f / A is the divergence of the normalised rows, from the rows as
// given, and every term is free of cancellation however close the rows are.
// A term also gives only_x = f(1, 0) and only_y = f(0, 1) (the columns held
// by one row only; infinity where the divergence is) and finish(v), the
// divergence from v = sum / A (natural log).
#pragma once

#include <cmath>
#include <limits>

#include "info/info_scalar.hpp"

namespace pydiv {
namespace terms {

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Jensen-Shannon: x log(2x / (x + y)) + y log(2y / (x + y)), by the accurate
// single-pair form (info_scalar.hpp: a series in w = |d| / (x + y) for small w).
struct JsTerm {
    static constexpr double only_x = kLn2, only_y = kLn2;
    static double both(double x, double y, double d) {
        const double sum = x + y;
        const double w = std::fabs(d) / sum;
        if (w <= scalar::kJsSeriesMax) return sum * scalar::js_series(w);
        const double big = x > y ? x : y;
        const double small = x > y ? y : x;
        return big * std::log(1.0 + w) + small * scalar::js_small_log(1.0 + w);
    }
    static double finish(double v) {
        v *= 0.5;
        return v < 0.0 ? 0.0 : (v > kLn2 ? kLn2 : v);
    }
};

// KL: x log(x / y) - d, every term >= 0 (the -d terms add up to A - rho B = 0),
// by the series in z = d / (x + y) for small z (info_scalar.hpp); f(0, y) = y.
struct KlTerm {
    static constexpr double only_x = kInf, only_y = 1.0;
    static double both(double x, double y, double d) {
        const double sum = x + y;
        const double z = d / sum;
        return std::fabs(z) <= scalar::kKlSeriesMax ? sum * scalar::kl_series(z) : x * scalar::log_ratio(x, y) - d;
    }
    static double finish(double v) { return v > 0.0 ? v : 0.0; }
};

// Hellinger distance sqrt(sum (sqrt p - sqrt q)^2 / 2), each term as
// d^2 / (sqrt x + sqrt y)^2, free of cancellation.
struct HellingerTerm {
    static constexpr double only_x = 1.0, only_y = 1.0;
    static double both(double x, double y, double d) {
        const double r = std::sqrt(x) + std::sqrt(y);
        return (d / r) * (d / r);
    }
    static double finish(double v) {
        v *= 0.5;
        return std::sqrt(v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v));
    }
};

// Total variation sum |p - q| / 2.
struct TotalVariationTerm {
    static constexpr double only_x = 1.0, only_y = 1.0;
    static double both(double, double, double d) { return std::fabs(d); }
    static double finish(double v) {
        v *= 0.5;
        return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    }
};


// Bhattacharyya coefficient sum sqrt(p q) (all terms >= 0, so accurate
// however small; 1 - BC comes from the Hellinger term instead).
struct BhattacharyyaTerm {
    static constexpr double only_x = 0.0, only_y = 0.0;
    static double both(double x, double y, double) {
        const double xy = x * y;  // sqrt(x x) is x exactly: equal rows give BC = 1
        return xy >= std::numeric_limits<double>::min() && xy <= std::numeric_limits<double>::max()
                   ? std::sqrt(xy)
                   : std::sqrt(x) * std::sqrt(y);
    }
    static double finish(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }
};

// Pearson's chi-squared divergence sum (p - q)^2 / q; f(0, y) = y, and
// +inf where p > 0 = q.
struct Chi2Term {
    static constexpr double only_x = kInf, only_y = 1.0;
    static double both(double, double y, double d) { return (d / y) * d; }
    static double finish(double v) { return v > 0.0 ? v : 0.0; }
};

// Jeffreys divergence KL(p||q) + KL(q||p) = sum (p - q) log(p / q), each term
// d log(x / y) >= 0, the log formed from the exact d near identity;
// +inf where either row holds a column the other lacks.
struct JeffreysTerm {
    static constexpr double only_x = kInf, only_y = kInf;
    static double both(double x, double y, double d) {
        // log1p(d / y) where x / y is near 1 (there log(x / y) would lose the
        // digits d holds); log(x / y) directly elsewhere (1 + d / y would lose
        // them when x is far below y).
        const double r = d / y;
        return d * (r > -0.5 && r < 1.0 ? std::log1p(r) : scalar::log_ratio(x, y));
    }
    static double finish(double v) { return v > 0.0 ? v : 0.0; }
};

}  // namespace terms
}  // namespace pydiv
