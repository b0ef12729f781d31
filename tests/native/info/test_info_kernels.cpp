// Native tests of the information kernels (info.hpp): every SIMD level the CPU
// has against long-double references, on random, sparse, strided, float32 and
// extreme inputs, and the conventions (0 log 0 = 0, inf on support mismatch,
// NaN for an invalid row).
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "check.hpp"
#include "info/info.hpp"

using pydiv::InfoKind;
using pydiv::InfoPartial;
using pydiv::RowsView;

namespace {

using LD = long double;

LD ref_result(InfoKind kind, const std::vector<double>& p, const std::vector<double>& q) {
    LD a = 0, b = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        a += p[i];
        b += q[i];
    }
    LD s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const LD x = p[i] / a;
        const LD y = q[i] / b;
        switch (kind) {
            case InfoKind::entropy:
                if (x > 0) s -= x * std::log(x);
                break;
            case InfoKind::cross_entropy:
                if (x > 0) {
                    if (y == 0) return std::numeric_limits<LD>::infinity();
                    s -= x * std::log(y);
                }
                break;
            case InfoKind::kl:
                if (x > 0) {
                    if (y == 0) return std::numeric_limits<LD>::infinity();
                    s += x * std::log(x / y);
                }
                break;
            case InfoKind::js: {
                const LD m = (x + y) / 2;
                if (x > 0) s += x * std::log(x / m) / 2;
                if (y > 0) s += y * std::log(y / m) / 2;
                break;
            }
        }
    }
    return s;
}

double run(InfoKind kind, const std::vector<double>& p, const std::vector<double>& q) {
    const RowsView<double> pv{p.data(), 1, static_cast<std::int64_t>(p.size()), 0, 1};
    const RowsView<double> qv{q.data(), 1, static_cast<std::int64_t>(q.size()), 0, 1};
    double out = 0;
    pydiv::info_rows(kind, pv, qv, &out, 0);
    return out;
}

const InfoKind kKinds[] = {InfoKind::entropy, InfoKind::cross_entropy, InfoKind::kl, InfoKind::js};

void test_random(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (std::size_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 100u, 1000u, 70000u, 140001u}) {
        for (double zeros : {0.0, 0.3}) {
            std::vector<double> p(n), q(n);
            for (std::size_t i = 0; i < n; ++i) {
                p[i] = u(rng) < zeros ? 0.0 : u(rng);
                q[i] = (p[i] > 0 ? 0.01 : 0.0) + u(rng);
            }
            p[0] = 1.0;
            for (InfoKind kind : kKinds)
                CHECK_CLOSE(run(kind, p, q), static_cast<double>(ref_result(kind, p, q)), 1e-12, 1e-15);
        }
    }
}

void test_conventions() {
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(run(InfoKind::kl, {0.5, 0.5}, {1.0, 0.0}) == inf);
    CHECK(run(InfoKind::cross_entropy, {0.5, 0.5}, {1.0, 0.0}) == inf);
    CHECK(run(InfoKind::kl, {0.0, 1.0}, {0.0, 1.0}) == 0.0);
    CHECK(run(InfoKind::entropy, {0.0, 0.0, 1.0}, {0.0, 0.0, 1.0}) == 0.0);
    CHECK_CLOSE(run(InfoKind::js, {1.0, 0.0}, {0.0, 1.0}), std::log(2.0), 1e-15, 0.0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(std::isnan(run(InfoKind::kl, {0.5, nan}, {0.5, 0.5})));
    CHECK(std::isnan(run(InfoKind::kl, {0.5, 0.5}, {-0.5, 0.5})));
    CHECK(std::isnan(run(InfoKind::js, {0.5, inf}, {0.5, 0.5})));
    CHECK(std::isnan(run(InfoKind::entropy, {0.0, 0.0}, {0.0, 0.0})));
}

void test_extremes() {
    // Huge, tiny and subnormal magnitudes are normalised exactly by powers of two.
    std::vector<double> p = {1e300, 3e300, 1e300, 2e300, 1e300};
    std::vector<double> q = {1e-300, 1e-300, 3e-300, 1e-300, 5e-324};
    for (InfoKind kind : kKinds)
        CHECK_CLOSE(run(kind, p, q), static_cast<double>(ref_result(kind, p, q)), 1e-12, 1e-15);
    // A subnormal q next to a normal p: the quotient must not overflow.
    std::vector<double> a = {0.5, 0.25, 0.25, 0.5, 0.5};
    std::vector<double> b = {1.0, 5e-324, 1.0, 1.0, 1.0};
    CHECK_CLOSE(run(InfoKind::kl, a, b), static_cast<double>(ref_result(InfoKind::kl, a, b)), 1e-12, 0.0);
}

void test_strided_float32(std::mt19937_64& rng) {
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const std::int64_t rows = 7, cols = 300;
    std::vector<float> p(rows * cols * 2), q(rows * cols * 2);
    for (auto& v : p) v = u(rng);
    for (auto& v : q) v = u(rng) + 0.01f;
    // Every other column, rows in reverse.
    const RowsView<float> pv{p.data() + (rows - 1) * cols * 2, rows, cols, -cols * 2, 2};
    const RowsView<float> qv{q.data() + (rows - 1) * cols * 2, rows, cols, -cols * 2, 2};
    std::vector<double> out(rows);
    pydiv::info_rows(InfoKind::kl, pv, qv, out.data(), 2);
    for (std::int64_t r = 0; r < rows; ++r) {
        std::vector<double> pr(cols), qr(cols);
        for (std::int64_t c = 0; c < cols; ++c) {
            pr[c] = p[(rows - 1 - r) * cols * 2 + 2 * c];
            qr[c] = q[(rows - 1 - r) * cols * 2 + 2 * c];
        }
        CHECK_CLOSE(out[r], static_cast<double>(ref_result(InfoKind::kl, pr, qr)), 1e-12, 1e-15);
    }
}

// Rows of a C-ordered (A, k, B) array reduced along its middle axis: row
// a * B + b is at a * k * B + b, elements B apart; outer indices also reversed.
void test_outer_dimension(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::int64_t A = 3, k = 37, B = 5;
    std::vector<double> p(A * k * B), q(A * k * B);
    for (auto& v : p) v = u(rng);
    for (auto& v : q) v = u(rng) + 0.01;
    for (const bool reversed : {false, true}) {
        const std::int64_t first = reversed ? (A - 1) * k * B : 0;
        const std::int64_t outer = reversed ? -k * B : k * B;
        const RowsView<double> pv{p.data() + first, A * B, k, 1, B, B, outer};
        const RowsView<double> qv{q.data() + first, A * B, k, 1, B, B, outer};
        for (const InfoKind kind : kKinds) {
            std::vector<double> out(A * B);
            pydiv::info_rows(kind, pv, qv, out.data(), 2);
            for (std::int64_t a = 0; a < A; ++a) {
                for (std::int64_t b = 0; b < B; ++b) {
                    const std::int64_t base = (reversed ? A - 1 - a : a) * k * B + b;
                    std::vector<double> pr(k), qr(k);
                    for (std::int64_t c = 0; c < k; ++c) {
                        pr[c] = p[base + c * B];
                        qr[c] = q[base + c * B];
                    }
                    CHECK_CLOSE(out[a * B + b], static_cast<double>(ref_result(kind, pr, qr)), 1e-12, 1e-15);
                }
            }
        }
    }
}

// The SIMD tables this CPU can run.
std::vector<pydiv::InfoKernelTable> simd_tables() {
    std::vector<pydiv::InfoKernelTable> tables;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) tables.push_back(pydiv::info_kernels_avx2());
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
        tables.push_back(pydiv::info_kernels_avx512());
#endif
    return tables;
}

// Each SIMD table against the baseline one on the same chunk.
void test_tables_agree(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::int64_t n = 1003;
    std::vector<double> p(n), q(n);
    for (std::int64_t i = 0; i < n; ++i) {
        p[i] = i % 5 == 0 ? 0.0 : u(rng) * std::exp(-40.0 * u(rng));
        q[i] = i % 7 == 0 ? 0.0 : u(rng);
    }
    const pydiv::InfoKernelTable base = pydiv::info_kernels_baseline();
    const std::vector<pydiv::InfoKernelTable> tables = simd_tables();
    for (const auto& t : tables) {
        const pydiv::InfoChunkKernel pairs[][2] = {{base.entropy, t.entropy},
                                                   {base.cross_entropy, t.cross_entropy},
                                                   {base.kl, t.kl},
                                                   {base.js, t.js},
                                                   {base.js_accurate, t.js_accurate},
                                                   {base.kl_accurate, t.kl_accurate},
                                                   {base.entropy_accurate, t.entropy_accurate},
                                                   {base.sums, t.sums}};
        for (const auto& pair : pairs) {
            InfoPartial a, b;
            pair[0](p.data(), q.data(), n, 1.0, 1.0, a);
            pair[1](p.data(), q.data(), n, 1.0, 1.0, b);
            CHECK_CLOSE(b.s, a.s, 1e-13, 1e-300);
            CHECK_CLOSE(b.sum_p, a.sum_p, 1e-14, 0.0);
            CHECK_CLOSE(b.js_big, a.js_big, 1e-13, 1e-300);
            CHECK(b.n_inf == a.n_inf && b.min_q == a.min_q && b.max_p == a.max_p);
        }
    }
}

// The compensated sum keeps what plain summation drops: 1 followed by a
// million values of 1e-17, each below half an ulp of the running sum.
void test_compensated_sums() {
    const std::int64_t n = 1000001;
    std::vector<double> p(n, 1e-17), q(n, 2e-17);
    p[0] = q[0] = 1.0;
    std::vector<pydiv::InfoKernelTable> tables = simd_tables();
    tables.push_back(pydiv::info_kernels_baseline());
    for (const auto& t : tables) {
        InfoPartial a;
        t.sums_compensated(p.data(), q.data(), n, 1.0, 1.0, a);
        CHECK_CLOSE((a.sum_p - 1.0) + a.sum_p_lo, 1e-11, 1e-9, 0.0);
        CHECK_CLOSE((a.sum_q - 1.0) + a.sum_q_lo, 2e-11, 1e-9, 0.0);
    }
}

// The accurate KL kernel keeps full relative accuracy for q = p (1 + eps
// noise), where the identity of the fast kernel loses 1/eps^2 of it: its
// result against a long-double reference of the terms in the relative
// difference, with rho both exact (sum_ratio) and from plain sums.
void test_kl_accurate(std::mt19937_64& rng) {
#ifdef __SIZEOF_FLOAT128__
    using Q = __float128;  // arithmetic only: no libquadmath needed
#else
    using Q = long double;
#endif
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<pydiv::InfoKernelTable> tables = simd_tables();
    tables.push_back(pydiv::info_kernels_baseline());
    const std::int64_t n = 203;
    for (double eps : {1e-1, 1e-3, 1e-6, 1e-9, 1e-12}) {
        std::vector<double> p(n), q(n);
        for (std::int64_t i = 0; i < n; ++i) {
            p[i] = i % 11 == 0 ? 0.0 : u(rng);
            q[i] = i % 11 == 0 ? 0.25 : 3.0 * p[i] * (1.0 + eps * (2.0 * u(rng) - 1.0));  // x == 0 < y
        }
        // Reference: KL = sum x log(x/y) - (x - y) over x = p / A, y = q / B,
        // in 113-bit arithmetic by the series in z = d / s (|z| <= 0.05 here,
        // 30 terms), and y alone where x == 0.
        Q a = 0, b = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            a += p[i];
            b += q[i];
        }
        Q ref = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const Q x = p[i] / a, y = q[i] / b;
            if (x == 0) {
                ref += y;
                continue;
            }
            const Q z = (x - y) / (x + y), zz = z * z;
            Q poly = 0;
            for (int k = 29; k >= 0; --k) poly = poly * zz + Q(1) / Q(2 * k + 3);
            ref += (x + y) * zz * (1 + (1 + z) * z * poly);
        }
    for (const auto& t : tables) {
            InfoPartial sums;
            t.sums_compensated(p.data(), q.data(), n, 1.0, 1.0, sums);
            double rho_hi, rho_lo;
            pydiv::sum_ratio(sums, rho_hi, rho_lo);
            InfoPartial exact;
            t.kl_accurate(p.data(), q.data(), n, rho_hi, rho_lo, exact);
            CHECK_CLOSE(pydiv::kl_from_accurate(exact), static_cast<double>(ref), 1e-14, 0.0);
            CHECK(exact.s >= 0.0 && exact.n_inf == 0.0);
            CHECK_CLOSE(exact.sum_p + exact.sum_p_lo, static_cast<double>(a), 1e-16, 0.0);
            // rho from plain sums, a little off: s_diff carries the difference.
            InfoPartial rough;
            t.kl_accurate(p.data(), q.data(), n, rho_hi * (1 + 1e-12), 0.0, rough);
            CHECK_CLOSE(pydiv::kl_from_accurate(rough), static_cast<double>(ref), eps > 1e-7 ? 1e-14 : 1e-9, 0.0);
        }
    }
    // Support: x > 0 meeting y == 0 counts in n_inf; both zero adds nothing.
    InfoPartial a;
    const double p2[3] = {0.5, 0.5, 0.0}, q2[3] = {1.0, 0.0, 0.0};
    pydiv::info_kernels_baseline().kl_accurate(p2, q2, 3, 1.0, 0.0, a);
    CHECK(a.n_inf == 1.0 && pydiv::kl_from_accurate(a) == std::numeric_limits<double>::infinity());
}

// The accurate entropy kernel on counts where one holds almost all the mass
// (x log x near x = 1 is where the identities lose digits).
void test_entropy_accurate() {
    const std::vector<std::vector<double>> rows = {{499811, 1923}, {1e9, 1}, {3, 5, 7}, {1, 0, 1e-300}};
    std::vector<pydiv::InfoKernelTable> tables = simd_tables();
    tables.push_back(pydiv::info_kernels_baseline());
    for (const auto& p : rows) {
        const std::int64_t n = static_cast<std::int64_t>(p.size());
        LD a = 0;
        for (double v : p) a += v;
        // log(A / v) = log1p(rest / v), rest the sum of the others: exact digits.
        LD ref = 0;
        for (std::size_t i = 0; i < p.size(); ++i) {
            LD rest = 0;
            for (std::size_t k = 0; k < p.size(); ++k)
                if (k != i) rest += p[k];
            if (p[i] > 0) ref += p[i] / a * std::log1p(rest / p[i]);
        }
        for (const auto& t : tables) {
            InfoPartial sums;
            t.sums_compensated(p.data(), p.data(), n, 1.0, 1.0, sums);
            InfoPartial h;
            t.entropy_accurate(p.data(), nullptr, n, sums.sum_p, sums.sum_p_lo, h);
            CHECK_CLOSE((h.s + h.s_lo) / (sums.sum_p + sums.sum_p_lo), static_cast<double>(ref), 1e-15, 0.0);
        }
    }
}

}  // namespace

int main() {
    std::mt19937_64 rng(20261123);
    test_random(rng);
    test_conventions();
    test_extremes();
    test_strided_float32(rng);
    test_outer_dimension(rng);
    test_tables_agree(rng);
    test_compensated_sums();
    test_kl_accurate(rng);
    test_entropy_accurate();
    return native_test::finish();
}
