// The sparse-row distance matrices (sparse/sparse_rows.hpp) against brute
// force: random CSR rows (some at scales 1e-300 .. 1e300 with entries down
// to 1e-200 of their row's largest), each metric computed per pair on the
// densified, normalised rows in long double; both walks (merge and column
// table) must give the same bits, identical rows 0 (cross-entropy: H), and
// a pair with a column only in x KL = inf.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "check.hpp"
#include "sparse/sparse_rows.hpp"

using pydiv::SparseMetric;
using pydiv::SparseRows;
using pydiv::SparseWalk;

namespace {

// CSR rows with their per-row stats, scaled as the Python layer does: by a
// power of two bringing the total below 2^961, the largest entry as large as that allows.
struct Csr {
    std::vector<std::int64_t> indptr{0}, indices;
    std::vector<double> data, hi, lo, entropy;
    std::vector<std::vector<long double>> dense;  // normalised, for the reference
    SparseRows view() const {
        return {indptr.data(), indices.data(), data.data(), hi.data(), lo.data(), entropy.data(),
                static_cast<std::int64_t>(indptr.size()) - 1};
    }
};

void add_row(Csr& c, const std::vector<double>& row) {
    double peak = 0.0;
    std::int64_t count = 0;
    for (const double v : row)
        if (v > 0.0) {
            peak = std::fmax(peak, v);
            ++count;
        }
    int e;
    std::frexp(peak, &e);
    const int top = 961 - static_cast<int>(std::ceil(std::log2(static_cast<double>(count))));
    long double total = 0.0L;
    for (const double v : row) total += v;
    std::vector<long double> norm(row.size());
    for (std::size_t k = 0; k < row.size(); ++k) {
        norm[k] = static_cast<long double>(row[k]) / total;
        if (row[k] > 0.0) {
            c.indices.push_back(static_cast<std::int64_t>(k));
            c.data.push_back(std::ldexp(row[k], top - e));
        }
    }
    c.indptr.push_back(static_cast<std::int64_t>(c.data.size()));
    c.dense.push_back(norm);
}

void finish_stats(Csr& c) {
    const std::size_t n = c.indptr.size() - 1;
    c.hi.assign(n, 0.0);
    c.lo.assign(n, 0.0);
    c.entropy.assign(n, 0.0);
    pydiv::sparse_row_stats(c.view(), c.hi.data(), c.lo.data(), c.entropy.data());
}

long double brute(SparseMetric m, const std::vector<long double>& p, const std::vector<long double>& q) {
    long double s = 0.0L;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const long double a = p[k], b = q[k];
        switch (m) {
            case SparseMetric::kl:
                if (a > 0 && b == 0) return INFINITY;
                if (a > 0) s += a * std::log(a / b);
                break;
            case SparseMetric::cross_entropy:
                if (a > 0 && b == 0) return INFINITY;
                if (a > 0) s -= a * std::log(b);
                break;
            case SparseMetric::js:
                if (a > 0) s += a * std::log(2 * a / (a + b)) / 2;
                if (b > 0) s += b * std::log(2 * b / (a + b)) / 2;
                break;
            case SparseMetric::hellinger: s += (std::sqrt(a) - std::sqrt(b)) * (std::sqrt(a) - std::sqrt(b)) / 2; break;
            case SparseMetric::total_variation: s += std::fabs(a - b) / 2; break;
        }
    }
    return m == SparseMetric::hellinger ? std::sqrt(s) : s;
}

std::vector<double> matrix(SparseMetric m, const Csr& x, const Csr& y, std::int64_t width, SparseWalk walk) {
    const std::int64_t n = x.view().rows, k = y.view().rows;
    std::vector<double> out(static_cast<std::size_t>(n * k), -1.0);
    pydiv::sparse_pair_block<double>(m, x.view(), y.view(), width, 1.0, false, walk, 0, n, false, false, out.data(),
                                     2);
    return out;
}

std::vector<double> random_row(std::mt19937_64& rng, std::int64_t width, double density, bool extreme) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> row(static_cast<std::size_t>(width), 0.0);
    const double scale = extreme ? std::pow(10.0, -300.0 + 600.0 * u(rng)) : 1.0;
    for (double& v : row)
        if (u(rng) < density) v = (extreme ? std::pow(10.0, -200.0 * u(rng)) : u(rng)) * scale;
    row[static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(width))] = scale;  // no empty row
    return row;
}

void check_pairs(std::mt19937_64& rng, bool extreme) {
    const std::int64_t width = 40;
    Csr x, y;
    std::vector<std::vector<double>> rows_x;
    for (int i = 0; i < 11; ++i) rows_x.push_back(random_row(rng, width, 0.35, extreme));
    for (const auto& r : rows_x) add_row(x, r);
    for (int j = 0; j < 9; ++j) add_row(y, j < 2 ? rows_x[static_cast<std::size_t>(j)] : random_row(rng, width, 0.5, extreme));
    finish_stats(x);
    finish_stats(y);
    for (const SparseMetric m : {SparseMetric::kl, SparseMetric::cross_entropy, SparseMetric::js,
                                 SparseMetric::hellinger, SparseMetric::total_variation}) {
        const auto merged = matrix(m, x, y, width, SparseWalk::merge);
        const auto table = matrix(m, x, y, width, SparseWalk::table);
        for (std::size_t i = 0; i < x.dense.size(); ++i)
            for (std::size_t j = 0; j < y.dense.size(); ++j) {
                const double got = merged[i * y.dense.size() + j];
                const long double want = brute(m, x.dense[i], y.dense[j]);
                CHECK(got == table[i * y.dense.size() + j] || (std::isnan(got) && std::isnan(table[i * y.dense.size() + j])));
                if (std::isinf(want)) {
                    CHECK(got == INFINITY);
                } else {
                    CHECK_CLOSE(got, static_cast<double>(want), 1e-12, 1e-15);
                }
                if (i == j && i < 2 && m != SparseMetric::cross_entropy) CHECK(got == 0.0);  // identical rows
            }
    }
}

// Two rows of very different totals whose smaller-total row holds an entry
// near the smallest subnormal relative to its largest: weighing the other
// row down by the ratio of totals would take it to zero (KL = inf).
void check_tiny_entry() {
    Csr x, y;
    add_row(x, {1.0, 0.0, 0.0, 0.0, 0.0, 1.0});
    add_row(y, {1.0, 1.0, 1.0, 1.0, 1.0, 1e-323});
    finish_stats(x);
    finish_stats(y);
    const auto kl = matrix(SparseMetric::kl, x, y, 6, SparseWalk::automatic);
    CHECK_CLOSE(kl[0], static_cast<double>(brute(SparseMetric::kl, x.dense[0], y.dense[0])), 1e-13, 0.0);
    const auto back = matrix(SparseMetric::kl, y, x, 6, SparseWalk::automatic);
    CHECK(back[0] == INFINITY);  // y holds columns x lacks
}

}  // namespace

int main() {
    std::mt19937_64 rng(7);
    for (int t = 0; t < 3; ++t) check_pairs(rng, false);
    for (int t = 0; t < 3; ++t) check_pairs(rng, true);
    check_tiny_entry();
    return native_test::finish();
}
