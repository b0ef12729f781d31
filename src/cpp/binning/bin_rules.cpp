// Bin-count rules (bin_rules.hpp): per column the pooled values of both
// tables, their statistics, and numpy's width-to-count step; columns in
// blocks across OpenMP threads.
#include "binning/bin_rules.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "binning/column_ops.hpp"
#include "core/threads.hpp"

namespace pydiv::binning {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A compensated running sum (Neumaier).
struct Sum {
    double hi = 0.0, lo = 0.0;
    void add(double v) {
        const double t = hi + v;
        lo += std::fabs(hi) >= std::fabs(v) ? (hi - t) + v : (v - t) + hi;
        hi = t;
    }
    double value() const { return hi + lo; }
};

double mean_of(const double* x, std::int64_t n) {
    Sum s;
    for (std::int64_t i = 0; i < n; ++i) s.add(x[i]);
    return s.value() / static_cast<double>(n);
}

// numpy.std (ddof 0): sqrt(mean((x - mean)^2)).
double std_of(const double* x, std::int64_t n, double mean) {
    Sum s;
    for (std::int64_t i = 0; i < n; ++i) s.add((x[i] - mean) * (x[i] - mean));
    return std::sqrt(s.value() / static_cast<double>(n));
}

double ptp(const double* x, std::int64_t n) {
    double lo = INFINITY, hi = -INFINITY;
    detail::min_max(x, n, lo, hi);
    return hi - lo;
}

double width_sqrt(const double* x, std::int64_t n) { return ptp(x, n) / std::sqrt(static_cast<double>(n)); }
double width_sturges(const double* x, std::int64_t n) { return ptp(x, n) / (std::log2(static_cast<double>(n)) + 1.0); }

// 2 IQR n^(-1/3); the selection reorders x.
double width_fd(double* x, std::int64_t n) {
    std::vector<std::int64_t> ranks;
    detail::quantile_ranks(n, 0.75, ranks);
    detail::quantile_ranks(n, 0.25, ranks);
    detail::select_ranks(x, n, ranks);
    const double iqr = detail::quantile(x, n, 0.75) - detail::quantile(x, n, 0.25);
    return 2.0 * iqr * std::pow(static_cast<double>(n), -1.0 / 3.0);
}

double width_doane(const double* x, std::int64_t n) {
    if (n <= 2) return 0.0;
    const double dn = static_cast<double>(n);
    const double sg1 = std::sqrt(6.0 * (dn - 2.0) / ((dn + 1.0) * (dn + 3.0)));
    const double mean = mean_of(x, n);
    const double sigma = std_of(x, n, mean);
    if (!(sigma > 0.0)) return 0.0;
    Sum s;
    for (std::int64_t i = 0; i < n; ++i) {
        const double z = (x[i] - mean) / sigma;
        s.add(z * z * z);
    }
    const double g1 = s.value() / dn;
    return ptp(x, n) / (1.0 + std::log2(dn) + std::log2(1.0 + std::fabs(g1) / sg1));
}

double rule_width(BinRule rule, double* x, std::int64_t n) {
    const double dn = static_cast<double>(n);
    switch (rule) {
        case BinRule::sqrt: return width_sqrt(x, n);
        case BinRule::sturges: return width_sturges(x, n);
        case BinRule::rice: return ptp(x, n) / (2.0 * std::pow(dn, 1.0 / 3.0));
        case BinRule::scott:
            return std::pow(24.0 * std::pow(kPi, 0.5) / dn, 1.0 / 3.0) * std_of(x, n, mean_of(x, n));
        case BinRule::doane: return width_doane(x, n);
        case BinRule::fd: return width_fd(x, n);
        case BinRule::automatic: {
            // ptp-based widths first: fd reorders x (which they do not mind).
            const double sturges = width_sturges(x, n), sqrt_half = width_sqrt(x, n) / 2.0;
            return std::min(std::max(width_fd(x, n), sqrt_half), sturges);
        }
    }
    return 0.0;
}

}  // namespace

std::int64_t rule_bin_count(BinRule rule, double* x, std::int64_t n, double first, double last, bool integer_data) {
    if (n == 0) return 1;
    double width = rule_width(rule, x, n);
    if (!(width > 0.0)) return 1;  // e.g. fd with an IQR of 0
    if (integer_data && width < 1.0) width = 1.0;
    const double count = std::ceil((last - first) / width);
    if (!(count <= static_cast<double>(kMaxRuleBins))) return -1;
    return count < 1.0 ? 1 : static_cast<std::int64_t>(count);
}

Status rule_bins(const Table& a, const Table& b, const Spec& spec, BinRule rule, bool integer_data,
                 std::int64_t* out, int threads) {
    using detail::kBlock;
    const std::int64_t cols = a.cols;
    const std::int64_t blocks = (cols + kBlock - 1) / kBlock;
    std::vector<int> problem(static_cast<std::size_t>(cols), 0);
    std::vector<char> which(static_cast<std::size_t>(cols), 'a');
    const int n_threads = static_cast<int>(std::min<std::int64_t>(resolve_threads(threads), blocks));
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1)
    {
        // Column k of a block at pooled + k * (a.rows + b.rows), b's values after a's.
        const std::int64_t stride = a.rows + b.rows;
        std::vector<double> pooled(static_cast<std::size_t>(kBlock * stride));
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t blk = 0; blk < blocks; ++blk) {
            const std::int64_t c0 = blk * kBlock, width = std::min(kBlock, cols - c0);
            detail::gather(a, c0, width, pooled.data(), stride);
            detail::gather(b, c0, width, pooled.data() + a.rows, stride);
            for (std::int64_t k = 0; k < width; ++k) {
                const std::int64_t j = c0 + k;
                double* x = pooled.data() + k * stride;
                const std::int64_t na = detail::clean(x, nullptr, a.rows, spec.omit_nan);
                const std::int64_t nb = na < 0 ? 0 : detail::clean(x + a.rows, nullptr, b.rows, spec.omit_nan);
                if (na < 0 || nb < 0) {
                    problem[j] = (na == -1 || nb == -1) ? 1 : 2;
                    which[j] = na < 0 ? 'a' : 'b';
                    continue;
                }
                std::copy(x + a.rows, x + a.rows + nb, x + na);  // b's values next to a's
                double first, last;
                detail::outer_edges(x, na, x + na, nb, spec, first, last);
                std::int64_t n = na + nb;
                if (spec.has_range) {  // numpy trims the values to the range first
                    n = std::remove_if(x, x + n, [&](double v) { return !(v >= first && v <= last); }) - x;
                }
                out[j] = rule_bin_count(rule, x, n, first, last, integer_data);
                if (out[j] < 0) problem[j] = 4;
            }
        }
    }
    Status st;
    for (std::int64_t j = 0; j < cols; ++j) {
        if (problem[j] == 0) continue;
        st.problem = problem[j] == 1   ? Problem::nan
                     : problem[j] == 2 ? Problem::inf
                                       : Problem::too_many_bins;
        st.column = j;
        st.dataset = which[j];
        break;
    }
    return st;
}

}  // namespace pydiv::binning
