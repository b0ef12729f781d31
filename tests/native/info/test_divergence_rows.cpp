// Native tests of the histogram divergences (divergence_rows.hpp): every
// kernel table the CPU runs (baseline, AVX2+FMA, AVX-512) against a
// long-double brute force on random rows, near-identical integer rows (whose
// reference differences are exact), one-sided zeros, subnormal and huge
// values, and invalid rows (NaN); each SIMD table against the baseline; and
// the driver's invariants (strided = contiguous and any thread count give
// the same bits).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "check.hpp"
#include "info/divergence_kernels.hpp"
#include "info/divergence_rows.hpp"

using pydiv::DivergenceKernelTable;
using pydiv::DivergenceKind;
using pydiv::RowsView;

namespace {

using LD = long double;
using Row = std::vector<double>;
constexpr double kInf = std::numeric_limits<double>::infinity();

// The kinds whose terms are bounded by the values (first) and the two that
// divide (chi2, Jeffreys: subnormal entries lose their relative precision
// once weighed, divergence_rows.hpp).
const DivergenceKind kKinds[] = {DivergenceKind::hellinger, DivergenceKind::total_variation,
                                 DivergenceKind::bhattacharyya, DivergenceKind::bhattacharyya_distance,
                                 DivergenceKind::chi2, DivergenceKind::jeffreys};
constexpr int kBoundedKinds = 4;

// The brute force in long double: p_i / A - q_i / B as (p_i B - q_i A) / (A B),
// exact for integer rows with values below 2^24 and totals below 2^32 (the
// products fit the 64-bit mantissa), so near-identical rows keep their digits.
LD reference(DivergenceKind kind, const Row& p, const Row& q) {
    LD a = 0, b = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        a += p[i];
        b += q[i];
    }
    LD h = 0, tv = 0, bc = 0, chi2 = 0, jeffreys = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const LD x = p[i] / a, y = q[i] / b;
        const LD num = static_cast<LD>(p[i]) * b - static_cast<LD>(q[i]) * a;
        const LD d = num / (a * b);
        const LD r = std::sqrt(x) + std::sqrt(y);
        if (r > 0) h += (d / r) * (d / r);
        tv += std::fabs(d);
        bc += std::sqrt(x) * std::sqrt(y);
        if (y > 0) chi2 += d * d / y;
        else if (x > 0) chi2 = kInf;
        const LD rel = num / (static_cast<LD>(q[i]) * a);  // x / y - 1
        if (x > 0 && y > 0) jeffreys += d * (std::fabs(rel) < 0.5 ? std::log1p(rel) : std::log(x / y));
        else if (x > 0 || y > 0) jeffreys = kInf;
    }
    switch (kind) {
        case DivergenceKind::hellinger: return std::sqrt(h / 2);
        case DivergenceKind::total_variation: return tv / 2;
        case DivergenceKind::bhattacharyya: return bc;
        case DivergenceKind::chi2: return chi2;
        case DivergenceKind::jeffreys: return jeffreys;
        case DivergenceKind::bhattacharyya_distance: return h / 2 < 0.5 ? -std::log1p(-h / 2) : -std::log(bc);
    }
    return 0;
}

std::vector<DivergenceKernelTable> tables() {
    std::vector<DivergenceKernelTable> t{pydiv::divergence_kernels_baseline()};
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) t.push_back(pydiv::divergence_kernels_avx2());
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
        t.push_back(pydiv::divergence_kernels_avx512());
#endif
    return t;
}

double run(DivergenceKind kind, const DivergenceKernelTable& table, const Row& p, const Row& q) {
    return pydiv::divergence_row(kind, table, p.data(), q.data(), static_cast<std::int64_t>(p.size()));
}

// Every table against the reference (inf exactly) and against the baseline,
// for the first `kinds` kinds of kKinds.
void check_all(const Row& p, const Row& q, double rtol, double atol = 1e-300, int kinds = 6) {
    const auto all = tables();
    const int failed_before = native_test::failed;
    for (int k = 0; k < kinds; ++k) {
        const DivergenceKind kind = kKinds[k];
        const double want = static_cast<double>(reference(kind, p, q));
        const double base = run(kind, all[0], p, q);
        for (const DivergenceKernelTable& t : all) {
            const double got = run(kind, t, p, q);
            if (std::isinf(want)) {
                CHECK(got == want);
            } else {
                CHECK_CLOSE(got, want, rtol, atol);
                CHECK_CLOSE(got, base, rtol, atol);
            }
        }
    }
    if (native_test::failed > failed_before)  // say which rows
        std::printf("  in rows of length %zu, p[0] = %.17g, q[0] = %.17g (kinds: hellinger, tv, bc, bc distance, "
                    "chi2, jeffreys)\n", p.size(), p[0], q[0]);
}

const std::size_t kLengths[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 4099};

void test_random(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (std::size_t n : kLengths) {
        for (double zeros : {0.0, 0.3}) {
            for (double scale : {1.0, 1e-7, 3e5}) {
                Row p(n), q(n);
                for (std::size_t i = 0; i < n; ++i) {
                    p[i] = u(rng) < zeros ? 0.0 : u(rng) * scale;
                    q[i] = u(rng) < zeros ? 0.0 : u(rng);
                }
                p[0] += 1.0;
                q[n - 1] += 0.5;
                check_all(p, q, 1e-12);
            }
        }
    }
}

// Integer rows q = p + {-1, 0, 1} (relative differences near 1e-7), and
// with one count moved (about 1e-9 of the total): the exact reference.
void test_near_identity(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> value(1 << 22, (1 << 23) - 1), step(-1, 1);
    for (std::size_t n : {5u, 16u, 67u, 500u}) {
        Row p(n), q(n), moved(n), tripled(n);
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = value(rng);
            q[i] = p[i] + step(rng);
            moved[i] = p[i];
            tripled[i] = 3.0 * q[i];  // a scale between the rows as well
        }
        moved[0] += 1.0;
        moved[n - 1] -= 1.0;
        check_all(p, q, 1e-11);
        check_all(p, tripled, 1e-11);
        check_all(moved, p, 1e-10);
        check_all(p, moved, 1e-10);
        // Equal rows up to a power of two: exactly 0 (BC exactly 1).
        for (const DivergenceKernelTable& t : tables()) {
            Row twice(n);
            for (std::size_t i = 0; i < n; ++i) twice[i] = 2.0 * p[i];
            for (DivergenceKind kind : kKinds)
                CHECK(run(kind, t, p, twice) == (kind == DivergenceKind::bhattacharyya ? 1.0 : 0.0));
        }
    }
}

// Zeros on one side only: the one-row sums (chi2 finite where only q has
// the column, Jeffreys infinite; Hellinger and TV 1 on disjoint supports).
void test_one_sided_zeros() {
    for (std::size_t n : {3u, 8u, 13u, 64u}) {
        Row p(n), q(n), disjoint_p(n), disjoint_q(n);
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = i % 3 == 0 ? 0.0 : 1.0 + static_cast<double>(i);
            q[i] = 2.0 + static_cast<double>(i % 5);
            disjoint_p[i] = i % 2 == 0 ? 1.0 + i : 0.0;
            disjoint_q[i] = i % 2 == 0 ? 0.0 : 3.0;
        }
        check_all(p, q, 1e-12);
        check_all(q, p, 1e-12);
        check_all(disjoint_p, disjoint_q, 1e-15);
        for (const DivergenceKernelTable& t : tables()) {
            CHECK(run(DivergenceKind::hellinger, t, disjoint_p, disjoint_q) == 1.0);
            CHECK(run(DivergenceKind::total_variation, t, disjoint_p, disjoint_q) == 1.0);
            CHECK(run(DivergenceKind::bhattacharyya, t, disjoint_p, disjoint_q) == 0.0);
            CHECK(run(DivergenceKind::bhattacharyya_distance, t, disjoint_p, disjoint_q) == kInf);
            CHECK(std::isfinite(run(DivergenceKind::chi2, t, p, q)));
            CHECK(run(DivergenceKind::chi2, t, q, p) == kInf);
        }
    }
}

// Tiny and huge (normal) totals, up to 1e598 apart, subnormal values beside
// normal ones, and totals the kernels hand back as NaN for the caller to
// rescale.
void test_extreme_values(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.5, 1.5);
    for (std::size_t n : {4u, 9u, 40u}) {
        for (double sp : {1e-300, 1e-150, 1.0, 1e150, 1e298}) {
            for (double sq : {1e-300, 1.0, 1e298}) {
                Row p(n), q(n);
                for (std::size_t i = 0; i < n; ++i) {
                    p[i] = u(rng) * sp;
                    q[i] = u(rng) * sq;
                }
                check_all(p, q, 1e-12);
                p[1] = 3e-320;  // subnormal entries
                q[n - 1] = 4e-318;
                check_all(p, q, 1e-12, 1e-300, kBoundedKinds);
            }
        }
        Row sub(n, 1e-312), one(n, 1.0), huge(n, 1e300);
        for (const DivergenceKernelTable& t : tables())
            for (DivergenceKind kind : kKinds) {
                CHECK(std::isnan(run(kind, t, sub, one)));   // subnormal total
                CHECK(std::isnan(run(kind, t, one, huge)));  // total above 1e300
            }
    }
}

void test_invalid_rows() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t n : {1u, 6u, 8u, 19u}) {
        for (double bad : {nan, -1.0, -0.5e-300, kInf, -kInf}) {
            for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
                Row good(n, 1.0), broken(n, 1.0);
                broken[at] = bad;
                for (const DivergenceKernelTable& t : tables())
                    for (DivergenceKind kind : kKinds) {
                        CHECK(std::isnan(run(kind, t, broken, good)));
                        CHECK(std::isnan(run(kind, t, good, broken)));
                    }
            }
        }
        Row zero(n, 0.0), one(n, 1.0);
        for (const DivergenceKernelTable& t : tables())
            for (DivergenceKind kind : kKinds) CHECK(std::isnan(run(kind, t, zero, one)));
    }
}

// The driver: strided rows give the bits of contiguous ones, and the thread
// count changes nothing.
void test_driver(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::int64_t rows = 300, cols = 257;
    std::vector<double> p(rows * cols), q(rows * cols), pt(rows * cols);
    for (std::int64_t i = 0; i < rows * cols; ++i) {
        p[i] = u(rng) < 0.1 ? 0.0 : u(rng);
        q[i] = u(rng) + 0.01;
    }
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) pt[c * rows + r] = p[r * cols + c];
    const RowsView<double> pv{p.data(), rows, cols, cols, 1};
    const RowsView<double> ptv{pt.data(), rows, cols, 1, rows};  // the transpose, read by columns
    const RowsView<double> qv{q.data(), rows, cols, cols, 1};
    for (DivergenceKind kind : kKinds) {
        std::vector<double> one(rows), many(rows), strided(rows);
        pydiv::divergence_rows(kind, pv, qv, one.data(), 1);
        pydiv::divergence_rows(kind, pv, qv, many.data(), 4);
        pydiv::divergence_rows(kind, ptv, qv, strided.data(), 3);
        bool same = true;
        for (std::int64_t r = 0; r < rows; ++r) {
            same &= one[r] == many[r] && one[r] == strided[r];
            same &= one[r] == run(kind, pydiv::divergence_kernels(), Row(p.begin() + r * cols, p.begin() + (r + 1) * cols),
                                  Row(q.begin() + r * cols, q.begin() + (r + 1) * cols));
        }
        CHECK(same);
    }
}

}  // namespace

int main() {
    std::mt19937_64 rng(20240607);
    test_random(rng);
    test_near_identity(rng);
    test_one_sided_zeros();
    test_extreme_values(rng);
    test_invalid_rows();
    test_driver(rng);
    return native_test::finish();
}
