// The shared-edge histograms (binning/binning.hpp) and the bin-count rules
// (binning/bin_rules.hpp) against brute force: every value's bin found by a
// linear scan of the edges (bin i holds e[i] <= x < e[i + 1], the last bin
// closed, values outside dropped), on random tables with values exactly on
// the edges, beside them, outside the range, and NaN; the rules against
// their formulas with a sorted copy for the quartiles.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "binning/bin_rules.hpp"
#include "binning/binning.hpp"
#include "check.hpp"

using namespace pydiv::binning;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The bin of x by a linear scan, or -1; the last bin of nonzero width is closed.
std::int64_t brute_bin(const double* e, std::int64_t bins, double x) {
    if (!(x >= e[0] && x <= e[bins])) return -1;
    std::int64_t last = bins - 1;
    while (last > 0 && e[last] == e[bins]) --last;
    for (std::int64_t i = 0; i < last; ++i)
        if (e[i] <= x && x < e[i + 1]) return i;
    return last;
}

std::vector<double> brute_counts(const std::vector<double>& col, const std::vector<double>& w, const double* e,
                                 std::int64_t bins) {
    std::vector<double> c(static_cast<std::size_t>(bins), 0.0);
    for (std::size_t i = 0; i < col.size(); ++i) {
        if (std::isnan(col[i])) continue;
        const std::int64_t k = brute_bin(e, bins, col[i]);
        if (k >= 0) c[static_cast<std::size_t>(k)] += w.empty() ? 1.0 : w[i];
    }
    return c;
}

// A (rows, cols) row-major table: normal values, values on and next to the
// given edges, some far outside.
std::vector<double> make_table(std::mt19937_64& rng, std::int64_t rows, std::int64_t cols,
                               const std::vector<double>& edges) {
    std::normal_distribution<double> normal(0.0, 1.5);
    std::uniform_int_distribution<int> pick(0, 9);
    std::vector<double> t(static_cast<std::size_t>(rows * cols));
    for (double& v : t) {
        const int p = pick(rng);
        if (p < 3 && !edges.empty()) {
            const double e = edges[static_cast<std::size_t>(rng() % edges.size())];
            v = p == 0 ? e : p == 1 ? std::nextafter(e, -INFINITY) : std::nextafter(e, INFINITY);
        } else if (p == 3) {
            v = normal(rng) * 100.0;
        } else {
            v = normal(rng);
        }
    }
    return t;
}

std::vector<double> column(const std::vector<double>& t, std::int64_t rows, std::int64_t cols, std::int64_t j) {
    std::vector<double> c(static_cast<std::size_t>(rows));
    for (std::int64_t r = 0; r < rows; ++r) c[static_cast<std::size_t>(r)] = t[static_cast<std::size_t>(r * cols + j)];
    return c;
}

struct Result {
    std::vector<double> ca, cb, e;
    Status st;
};

Result run(const std::vector<double>& a, std::int64_t ra, const std::vector<double>& b, std::int64_t rb,
           std::int64_t cols, const Spec& spec, const Weights& w = {}) {
    Result r;
    r.ca.assign(static_cast<std::size_t>(cols * spec.bins), -1.0);
    r.cb.assign(static_cast<std::size_t>(cols * spec.bins), -1.0);
    r.e.assign(static_cast<std::size_t>(cols * (spec.bins + 1)), -1.0);
    const Table ta{a.data(), ra, cols, cols, 1}, tb{b.data(), rb, cols, cols, 1};
    r.st = bin_tables(ta, tb, spec, r.ca.data(), r.cb.data(), r.e.data(), 3, w);
    return r;
}

// Every column's counts equal the brute-force ones on the edges returned.
void check_counts(const Result& r, const std::vector<double>& a, std::int64_t ra, const std::vector<double>& b,
                  std::int64_t rb, std::int64_t cols, std::int64_t bins, const std::vector<double>& wa = {},
                  const std::vector<double>& wb = {}) {
    for (std::int64_t j = 0; j < cols; ++j) {
        const double* e = r.e.data() + j * (bins + 1);
        for (std::int64_t i = 0; i < bins; ++i) CHECK(e[i] <= e[i + 1]);
        const auto want_a = brute_counts(column(a, ra, cols, j), wa, e, bins);
        const auto want_b = brute_counts(column(b, rb, cols, j), wb, e, bins);
        for (std::int64_t k = 0; k < bins; ++k) {
            CHECK_CLOSE(r.ca[static_cast<std::size_t>(j * bins + k)], want_a[static_cast<std::size_t>(k)], 1e-13, 0.0);
            CHECK_CLOSE(r.cb[static_cast<std::size_t>(j * bins + k)], want_b[static_cast<std::size_t>(k)], 1e-13, 0.0);
        }
    }
}

void test_uniform(std::mt19937_64& rng) {
    const std::int64_t ra = 301, rb = 97, cols = 11, bins = 13;
    const double lo = -2.0, hi = 3.0;
    std::vector<double> edges(bins + 1);
    for (std::int64_t i = 0; i <= bins; ++i) edges[static_cast<std::size_t>(i)] = lo + (hi - lo) * i / bins;
    const auto a = make_table(rng, ra, cols, edges), b = make_table(rng, rb, cols, edges);
    Spec s{EdgeKind::uniform, bins, nullptr, true, lo, hi, false};
    const Result r = run(a, ra, b, rb, cols, s);
    CHECK(r.st.problem == Problem::none);
    check_counts(r, a, ra, b, rb, cols, bins);
    CHECK(r.e[0] == lo && r.e[bins] == hi);
    // No range: the edges span both columns' min and max.
    s.has_range = false;
    const Result full = run(a, ra, b, rb, cols, s);
    check_counts(full, a, ra, b, rb, cols, bins);
    for (std::int64_t j = 0; j < cols; ++j) {
        const auto ca = column(a, ra, cols, j), cb = column(b, rb, cols, j);
        const double mn = std::min(*std::min_element(ca.begin(), ca.end()), *std::min_element(cb.begin(), cb.end()));
        const double mx = std::max(*std::max_element(ca.begin(), ca.end()), *std::max_element(cb.begin(), cb.end()));
        CHECK(full.e[static_cast<std::size_t>(j * (bins + 1))] == mn);
        CHECK(full.e[static_cast<std::size_t>(j * (bins + 1) + bins)] == mx);
        double total = 0.0;
        for (std::int64_t k = 0; k < bins; ++k) total += full.ca[static_cast<std::size_t>(j * bins + k)];
        CHECK(total == static_cast<double>(ra));  // nothing outside: every value counted
    }
}

void test_explicit_and_weights(std::mt19937_64& rng) {
    const std::int64_t ra = 257, rb = 64, cols = 9;
    const std::vector<double> edges{-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 2.5};
    const std::int64_t bins = static_cast<std::int64_t>(edges.size()) - 1;
    const auto a = make_table(rng, ra, cols, edges), b = make_table(rng, rb, cols, edges);
    const Spec s{EdgeKind::explicit_edges, bins, edges.data(), false, 0.0, 0.0, false};
    const Result r = run(a, ra, b, rb, cols, s);
    check_counts(r, a, ra, b, rb, cols, bins);
    // Weights: a per value for a, a per row (column stride 0) for b.
    std::uniform_real_distribution<double> unit(0.0, 2.0);
    std::vector<double> wa(a.size()), wb(static_cast<std::size_t>(rb));
    for (double& v : wa) v = unit(rng);
    for (double& v : wb) v = unit(rng);
    const Table twa{wa.data(), ra, cols, cols, 1}, twb{wb.data(), rb, cols, 1, 0};
    const Result w = run(a, ra, b, rb, cols, s, Weights{&twa, &twb});
    for (std::int64_t j = 0; j < cols; ++j) {
        const double* e = w.e.data() + j * (bins + 1);
        const auto want_a = brute_counts(column(a, ra, cols, j), column(wa, ra, cols, j), e, bins);
        const auto want_b = brute_counts(column(b, rb, cols, j), wb, e, bins);
        for (std::int64_t k = 0; k < bins; ++k) {
            CHECK_CLOSE(w.ca[static_cast<std::size_t>(j * bins + k)], want_a[static_cast<std::size_t>(k)], 1e-13, 1e-14);
            CHECK_CLOSE(w.cb[static_cast<std::size_t>(j * bins + k)], want_b[static_cast<std::size_t>(k)], 1e-13, 1e-14);
        }
    }
}

void test_nan_and_quantile(std::mt19937_64& rng) {
    const std::int64_t ra = 120, rb = 50, cols = 10, bins = 6;
    auto a = make_table(rng, ra, cols, {}), b = make_table(rng, rb, cols, {});
    a[static_cast<std::size_t>(7 * cols + 4)] = kNaN;
    b[static_cast<std::size_t>(3 * cols + 2)] = kNaN;
    Spec s{EdgeKind::uniform, bins, nullptr, false, 0.0, 0.0, false};
    Result r = run(a, ra, b, rb, cols, s);
    CHECK(r.st.problem == Problem::nan && r.st.column == 2 && r.st.dataset == 'b');
    s.omit_nan = true;
    r = run(a, ra, b, rb, cols, s);
    CHECK(r.st.problem == Problem::none);
    check_counts(r, a, ra, b, rb, cols, bins);  // brute_counts skips NaN
    b[static_cast<std::size_t>(5 * cols + 8)] = INFINITY;
    r = run(a, ra, b, rb, cols, s);
    CHECK(r.st.problem == Problem::inf && r.st.column == 8 && r.st.dataset == 'b');
    b[static_cast<std::size_t>(5 * cols + 8)] = 0.0;
    // Quantile edges: nondecreasing, spanning both columns, every value counted.
    s.kind = EdgeKind::quantile;
    r = run(a, ra, b, rb, cols, s);
    CHECK(r.st.problem == Problem::none);
    check_counts(r, a, ra, b, rb, cols, bins);
    for (std::int64_t j = 0; j < cols; ++j) {
        double ta = 0.0;
        for (std::int64_t k = 0; k < bins; ++k) ta += r.ca[static_cast<std::size_t>(j * bins + k)];
        CHECK(ta == static_cast<double>(j == 4 ? ra - 1 : ra));
    }
}

// Per-column bin counts padded to the largest: repeated last edges, zero counts.
void test_per_column(std::mt19937_64& rng) {
    const std::int64_t ra = 200, rb = 80, cols = 5;
    const auto a = make_table(rng, ra, cols, {}), b = make_table(rng, rb, cols, {});
    const std::vector<std::int64_t> own{1, 7, 3, 12, 12};
    const std::int64_t bins = 12;
    Spec s{EdgeKind::per_column, bins, nullptr, false, 0.0, 0.0, false};
    s.column_bins = own.data();
    const Result r = run(a, ra, b, rb, cols, s);
    check_counts(r, a, ra, b, rb, cols, bins);
    for (std::int64_t j = 0; j < cols; ++j) {
        const double* e = r.e.data() + j * (bins + 1);
        for (std::int64_t k = own[static_cast<std::size_t>(j)]; k < bins; ++k) {
            CHECK(e[k + 1] == e[k]);
            CHECK(r.ca[static_cast<std::size_t>(j * bins + k)] == 0.0);
        }
        for (std::int64_t k = 0; k < own[static_cast<std::size_t>(j)]; ++k) CHECK(e[k] < e[k + 1]);
    }
}

// numpy.percentile's linear interpolation on a sorted copy.
double percentile(std::vector<double> x, double q) {
    std::sort(x.begin(), x.end());
    const double vi = (static_cast<double>(x.size()) - 1.0) * q;
    const auto i = static_cast<std::size_t>(std::floor(vi));
    if (i + 1 >= x.size()) return x.back();
    return x[i] + (x[i + 1] - x[i]) * (vi - std::floor(vi));
}

void test_rules(std::mt19937_64& rng) {
    std::normal_distribution<double> normal(1.0, 2.0);
    for (const std::int64_t n : {1, 2, 3, 10, 999, 4096}) {
        std::vector<double> x(static_cast<std::size_t>(n));
        for (double& v : x) v = normal(rng);
        const double lo = *std::min_element(x.begin(), x.end()), hi = *std::max_element(x.begin(), x.end());
        const double dn = static_cast<double>(n), ptp = hi - lo;
        const auto count = [&](double width) {
            return width > 0.0 ? static_cast<std::int64_t>(std::ceil(ptp / width)) : std::int64_t(1);
        };
        const double fd = 2.0 * (percentile(x, 0.75) - percentile(x, 0.25)) * std::pow(dn, -1.0 / 3.0);
        const double sturges = ptp / (std::log2(dn) + 1.0), sq = ptp / std::sqrt(dn);
        auto copy = x;
        CHECK(rule_bin_count(BinRule::sqrt, copy.data(), n, lo, hi, false) == count(sq));
        CHECK(rule_bin_count(BinRule::sturges, copy.data(), n, lo, hi, false) == count(sturges));
        CHECK(rule_bin_count(BinRule::fd, copy.data(), n, lo, hi, false) == count(fd));
        CHECK(rule_bin_count(BinRule::automatic, copy.data(), n, lo, hi, false) ==
              count(std::min(std::max(fd, sq / 2.0), sturges)));
        // Integer data: widths of at least 1.
        CHECK(rule_bin_count(BinRule::fd, copy.data(), n, lo, hi, true) == count(fd > 0.0 ? std::max(fd, 1.0) : 0.0));
    }
    double none = 0.0;
    CHECK(rule_bin_count(BinRule::automatic, &none, 0, 0.0, 1.0, false) == 1);  // no value: one bin
    std::vector<double> constant(50, 2.5);
    CHECK(rule_bin_count(BinRule::fd, constant.data(), 50, 2.0, 3.0, false) == 1);  // IQR 0
    // A tiny IQR among outliers: fd's count exceeds the limit, auto's stays near 2 sqrt(n).
    std::vector<double> spiky(1000, 0.0);
    for (std::size_t i = 0; i < spiky.size(); ++i) spiky[i] = 1e-300 * static_cast<double>(i % 7);
    spiky[0] = -1e10;
    spiky[1] = 1e10;
    auto s2 = spiky;
    CHECK(rule_bin_count(BinRule::fd, spiky.data(), 1000, -1e10, 1e10, false) == -1);
    const std::int64_t k = rule_bin_count(BinRule::automatic, s2.data(), 1000, -1e10, 1e10, false);
    CHECK(k >= 1 && k <= 64);
    // The table driver: per column counts (pooled a and b), range trimming.
    const std::int64_t ra = 300, rb = 100, cols = 3;
    auto a = make_table(rng, ra, cols, {}), b = make_table(rng, rb, cols, {});
    std::vector<std::int64_t> out(static_cast<std::size_t>(cols), 0);
    const Table ta{a.data(), ra, cols, cols, 1}, tb{b.data(), rb, cols, cols, 1};
    Spec s{EdgeKind::per_column, 1, nullptr, true, -1.0, 1.0, false};
    CHECK(rule_bins(ta, tb, s, BinRule::sqrt, false, out.data(), 2).problem == Problem::none);
    for (std::int64_t j = 0; j < cols; ++j) {
        std::vector<double> pooled;
        for (const double v : column(a, ra, cols, j)) if (v >= -1.0 && v <= 1.0) pooled.push_back(v);
        for (const double v : column(b, rb, cols, j)) if (v >= -1.0 && v <= 1.0) pooled.push_back(v);
        const double w = (*std::max_element(pooled.begin(), pooled.end()) -
                          *std::min_element(pooled.begin(), pooled.end())) /
                         std::sqrt(static_cast<double>(pooled.size()));
        CHECK(out[static_cast<std::size_t>(j)] == static_cast<std::int64_t>(std::ceil(2.0 / w)));
    }
    a[4] = kNaN;
    CHECK(rule_bins(ta, tb, s, BinRule::sqrt, false, out.data(), 2).problem == Problem::nan);
}

}  // namespace

int main() {
    std::mt19937_64 rng(20240611);
    test_uniform(rng);
    test_explicit_and_weights(rng);
    test_nan_and_quantile(rng);
    test_per_column(rng);
    test_rules(rng);
    return native_test::finish();
}
