// Native tests of src/cpp/wasserstein/wasserstein_1d.hpp (sorted samples)
// against naive references.
//
//   g++ -std=c++17 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
//       -Isrc/cpp tests/native/wasserstein/test_wasserstein_1d.cpp src/cpp/core/threads.cpp
//       -o /tmp/tw1 && /tmp/tw1
//
// (also with -fopenmp, to cover the threaded paths).  The
// sorted-sample kernels: CDF merge, quantile merge, the paired pass, batches
// of rows; the references are in w1d_reference.hpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "wasserstein/wasserstein_1d.hpp"
#include "w1d_reference.hpp"

namespace {

void test_random_small() {
    std::uniform_int_distribution<int> nd(1, 40);
    for (int trial = 0; trial < 600; ++trial) {
        const int kind = trial % 3;
        const Dist u = random_dist(nd(rng), kind, (trial / 3) % 4);
        const Dist v = random_dist(trial % 7 == 0 ? static_cast<int>(u.x.size()) : nd(rng), kind, (trial / 12) % 4);
        CHECK_CLOSE(w_p(u, v, 1.0), ref_w1(u, v), 1e-12, "W1 vs CDF brute force");
        CHECK_CLOSE(energy(u, v), ref_energy(u, v), 1e-12, "energy vs CDF brute force");
        for (double p : kPs) {
            CHECK_CLOSE(w_p(u, v, p), ref_wp(u, v, p), 1e-12, "W_p vs exact quantile pieces");
        }
        // symmetry
        CHECK_CLOSE(w_p(v, u, 1.5), w_p(u, v, 1.5), 1e-13, "W_p symmetric");
        CHECK_CLOSE(energy(v, u), energy(u, v), 1e-13, "energy symmetric");
    }
}

void test_grid_reference() {
    for (int trial = 0; trial < 12; ++trial) {
        const Dist u = random_dist(7 + trial, 0, trial % 2);
        const Dist v = random_dist(11 + 2 * trial, 0, (trial / 2) % 2 ? 1 : 0);
        for (double p : kPs) {
            // Each breakpoint falls inside one grid cell: error <~ (breakpoints) / levels.
            CHECK_CLOSE(w_p(u, v, p), grid_wp(u, v, p, 1 << 16), 2e-3, "W_p vs quantile grid");
        }
    }
}

// Unit weights, unequal sizes nu, nv: repeating every u point nv / g times and
// every v point nu / g times (g = gcd) gives equal sizes with the same
// distributions, where W_p^p = mean |u_k - v_k|^p.
void test_replicated() {
    const int sizes[][2] = {{1500, 1000}, {99, 100}, {7, 3}, {640, 48}, {1, 17}};
    for (const auto& sz : sizes) {
        const int nu = sz[0], nv = sz[1];
        int g = nu, h = nv;
        while (h != 0) {
            const int t = g % h;
            g = h;
            h = t;
        }
        for (int kind = 0; kind < 3; ++kind) {
            const Dist u = random_dist(nu, kind, 0), v = random_dist(nv, kind, 0);
            Vec ur, vr;
            for (double x : u.x) ur.insert(ur.end(), static_cast<std::size_t>(nv / g), x);
            for (double x : v.x) vr.insert(vr.end(), static_cast<std::size_t>(nu / g), x);
            for (double p : kPs) {
                CHECK_CLOSE(w_p(u, v, p), sorted_pairs_wp(ur, vr, p), 1e-12, "unequal sizes vs replicated pairs");
            }
        }
    }
}

void test_equal_sizes() {
    for (int n : {1, 2, 3, 5, 64, 257, 1000, 5000}) {
        for (int kind = 0; kind < 3; ++kind) {
            const Dist u = random_dist(n, kind, 0);
            const Dist v = random_dist(n, kind, 0);
            Dist uw = u, vw = v;  // the same with explicit equal weights: merge paths
            uw.w.assign(n, 2.5);
            vw.w.assign(n, 0.125);
            for (double p : kPs) {
                const double want = sorted_pairs_wp(u.x, v.x, p);
                CHECK_CLOSE(w_p(u, v, p), want, 1e-12, "equal sizes: mean |u_k - v_k|^p");
                CHECK_CLOSE(w_p(uw, vw, p), want, 1e-12, "equal weights given: merge path");
                CHECK_CLOSE(w_p(uw, v, p), want, 1e-12, "one side weighted");
            }
            if (n <= 1000) CHECK_CLOSE(w_p(u, v, 1.0), ref_w1(u, v), 1e-12, "equal sizes W1 vs CDF");
        }
    }
}

void test_edges() {
    // single values
    {
        const Dist u{{2.0}, {}}, v{{-1.5}, {}};
        for (double p : kPs) CHECK_CLOSE(w_p(u, v, p), 3.5, 1e-15, "single points");
        CHECK_CLOSE(energy(u, v), std::sqrt(2.0 * 3.5), 1e-15, "single points energy");
        const Dist u3{{-1.0, 0.0, 4.0}, {}};
        CHECK_CLOSE(w_p(u3, v, 1.0), (0.5 + 1.5 + 5.5) / 3.0, 1e-15, "one point vs three");
        CHECK_CLOSE(w_p(u3, v, 2.0), std::sqrt((0.25 + 2.25 + 30.25) / 3.0), 1e-15, "one point vs three, p=2");
    }
    // identical samples and all-tied samples
    {
        const Dist u = random_dist(50, 1, 1);
        for (double p : kPs) CHECK(w_p(u, u, p) == 0.0);
        CHECK(energy(u, u) == 0.0);
        const Dist a{{1.0, 1.0, 1.0}, {}}, b{{1.0, 1.0}, {}};
        for (double p : kPs) CHECK(w_p(a, b, p) == 0.0);
        const Dist c{{3.0, 3.0, 3.0, 3.0}, {}};
        for (double p : kPs) CHECK_CLOSE(w_p(a, c, p), 2.0, 1e-15, "all tied, shifted");
    }
    // zero weights in the middle, at the start and at the end change nothing
    {
        const Dist u{{0.0, 1.0, 2.0, 3.0, 7.0}, {1.0, 0.0, 2.0, 0.0, 1.0}};
        const Dist u2{{0.0, 2.0, 7.0}, {1.0, 2.0, 1.0}};
        const Dist v{{-3.0, 0.5, 1.5, 10.0}, {0.0, 1.0, 1.0, 0.0}};
        const Dist v2{{0.5, 1.5}, {1.0, 1.0}};
        for (double p : kPs) {
            CHECK_CLOSE(w_p(u, v, p), w_p(u2, v2, p), 1e-14, "zero weights drop out (W_p)");
            CHECK_CLOSE(w_p(u, v, p), ref_wp(u2, v2, p), 1e-13, "zero weights vs exact");
        }
        // In the CDF forms zero-weight points are breakpoints where nothing
        // jumps; the result is unchanged.
        CHECK_CLOSE(energy(u, v), energy(u2, v2), 1e-14, "zero weights drop out (energy)");
    }
    // scaling and translation
    {
        const Dist u = random_dist(33, 0, 1), v = random_dist(20, 0, 0);
        Dist su = u, sv = v, tu = u;
        for (auto& x : su.x) x *= 4.0;
        for (auto& x : sv.x) x *= 4.0;
        for (auto& x : tu.x) x += 2.75;
        for (double p : kPs) {
            CHECK_CLOSE(w_p(su, sv, p), 4.0 * w_p(u, v, p), 1e-13, "W_p(a u, a v) = a W_p(u, v)");
            CHECK_CLOSE(w_p(tu, u, p), 2.75, 1e-13, "W_p(u + c, u) = c");
        }
    }
    // huge values: the generic power must not overflow
    {
        const Dist u{{1e200, 2e200}, {}}, v{{-1e200}, {}};
        CHECK_CLOSE(w_p(u, v, 2.0), std::sqrt((4.0 + 9.0) / 2.0) * 1e200, 1e-14, "no overflow p=2");
        CHECK_CLOSE(w_p(u, v, 3.0), std::cbrt((8.0 + 27.0) / 2.0) * 1e200, 1e-14, "no overflow p=3");
        CHECK_CLOSE(w_p(u, v, 2.5), std::pow((std::pow(2.0, 2.5) + std::pow(3.0, 2.5)) / 2.0, 0.4) * 1e200, 1e-14,
                    "no overflow p=2.5");
    }
    // invalid input gives NaN
    {
        const Dist u{{1.0, 2.0}, {}}, z{{1.0, 2.0}, {0.0, 0.0}}, n{{1.0, 2.0}, {1.0, -1.0}};
        CHECK(std::isnan(w_p(u, z, 1.0)));
        CHECK(std::isnan(w_p(u, z, 2.0)));
        CHECK(std::isnan(energy(z, u)));
        CHECK(std::isnan(w_p(u, n, 1.0)));  // total 0
        CHECK(std::isnan(w_p(u, u, 0.5)));
        CHECK(std::isnan(w_p(u, u, std::nan(""))));
        const double* none = nullptr;
        CHECK(std::isnan(pydiv::wasserstein_1d_sorted(u.x.data(), none, 0, u.x.data(), none, 2, 1.0)));
        // a negative weight is rejected even when the total stays positive
        const Dist neg{{1.0, 2.0, 3.0}, {1.0, -0.5, 1.0}}, nanw{{1.0, 2.0, 3.0}, {1.0, std::nan(""), 1.0}};
        const Dist tiny{{1.0, 2.0}, {1e-320, 1e-320}}, big{{1.0, 2.0}, {1e308, 1e308}};
        for (double p : kPs) {
            CHECK(std::isnan(w_p(neg, u, p)));
            CHECK(std::isnan(w_p(u, nanw, p)));
            CHECK(std::isnan(w_p(tiny, u, p)));  // subnormal total: 1 / total overflows
            CHECK(std::isnan(w_p(u, big, p)));   // infinite total
        }
        CHECK(std::isnan(energy(neg, u)));
        // non-finite values (sorted: NaN last, -inf first, +inf last)
        const Dist nanv{{1.0, std::nan("")}, {}}, infv{{-HUGE_VAL, 1.0}, {}}, infv2{{1.0, HUGE_VAL}, {}};
        CHECK(std::isnan(w_p(nanv, u, 1.0)));
        CHECK(std::isnan(w_p(u, infv, 2.0)));
        CHECK(std::isnan(energy(infv2, u)));
        // the order is checked unless the caller promises it; NaN anywhere fails the check
        const Vec uns{1.0, 3.0, 2.0, 4.0}, mid{1.0, std::nan(""), 4.0};
        const std::int64_t n4 = 4, n3 = 3;
        CHECK(std::isnan(pydiv::wasserstein_1d_sorted(uns.data(), none, n4, u.x.data(), none, 2, 1.0)));
        CHECK(std::isnan(pydiv::wasserstein_1d_sorted(uns.data(), none, n4, u.x.data(), none, 2, 1.0, 1, true)));
        CHECK(std::isnan(pydiv::wasserstein_1d_sorted(u.x.data(), none, 2, uns.data(), none, n4, 2.0, 1, true)));
        CHECK(std::isnan(pydiv::energy_distance_sorted(u.x.data(), none, 2, uns.data(), none, n4, 1, true)));
        CHECK(std::isnan(pydiv::wasserstein_1d_sorted(mid.data(), none, n3, u.x.data(), none, 2, 2.0, 1, true)));
        CHECK(!std::isnan(pydiv::wasserstein_1d_sorted(u.x.data(), none, 2, u.x.data(), none, 2, 2.0, 1, true)));
    }
}

// Long merges: chains and segments (and threads when built with OpenMP)
// against a plain sequential merge in long double.
LD seq_cdf(const Dist& u, const Dist& v, bool square) {
    const std::size_t nu = u.x.size(), nv = v.x.size();
    LD Wu = 0, Wv = 0;
    for (std::size_t i = 0; i < nu; ++i) Wu += u.w.empty() ? 1.0L : u.w[i];
    for (std::size_t j = 0; j < nv; ++j) Wv += v.w.empty() ? 1.0L : v.w[j];
    std::size_t i = 0, j = 0;
    LD cu = 0, cv = 0, acc = 0, prev = std::min(u.x[0], v.x[0]);
    while (i < nu || j < nv) {
        const bool tu = j >= nv || (i < nu && u.x[i] <= v.x[j]);
        const LD t = tu ? u.x[i] : v.x[j];
        const LD d = cu / Wu - cv / Wv;
        acc += (square ? d * d : std::fabs(d)) * (t - prev);
        prev = t;
        if (tu) {
            cu += u.w.empty() ? 1.0L : u.w[i];
            ++i;
        } else {
            cv += v.w.empty() ? 1.0L : v.w[j];
            ++j;
        }
    }
    return acc;
}

void test_long() {
    struct Case {
        int nu, nv, kind, wu, wv;
        double shift;
    };
    const Case cases[] = {{300000, 200001, 0, 0, 0, 0.0}, {250000, 250000, 0, 1, 2, 0.3},
                          {100000, 300000, 1, 0, 1, -0.5}, {70000, 69999, 2, 0, 0, 0.1},
                          {200000, 1000, 0, 0, 0, 5.0},   {1000, 200000, 0, 1, 0, -5.0},
                          {300, 300, 0, 0, 0, 100.0}};
    for (const Case& c : cases) {
        Dist u = random_dist(c.nu, c.kind, c.wu);
        Dist v = random_dist(c.nv, c.kind, c.wv);
        for (auto& x : v.x) x += c.shift;
        const double w1 = static_cast<double>(seq_cdf(u, v, false));
        const double e = static_cast<double>(std::sqrt(2.0L * seq_cdf(u, v, true)));
        CHECK_CLOSE(w_p(u, v, 1.0), w1, 1e-12, "long W1 vs sequential merge");
        {  // check_order = false: the caller's promise, same result
            const auto nu = static_cast<std::int64_t>(u.x.size()), nv = static_cast<std::int64_t>(v.x.size());
            CHECK(pydiv::wasserstein_1d_sorted(u.x.data(), wptr(u), nu, v.x.data(), wptr(v), nv, 1.0, 1, false) ==
                  w_p(u, v, 1.0));
            CHECK(pydiv::energy_distance_sorted(u.x.data(), wptr(u), nu, v.x.data(), wptr(v), nv, 2, false) ==
                  energy(u, v));
        }
        CHECK_CLOSE(energy(u, v), e, 1e-12, "long energy vs sequential merge");
        for (int th : {2, 3, 0}) {
            CHECK(w_p(u, v, 1.0, th) == w_p(u, v, 1.0, 1));
            CHECK(energy(u, v, th) == energy(u, v, 1));
            CHECK(w_p(u, v, 2.0, th) == w_p(u, v, 2.0, 1));
        }
    }
}

// Float inputs are widened and accumulated in double: same result as the
// double kernel on the widened data.
void test_float() {
    for (int trial = 0; trial < 30; ++trial) {
        const Dist u = random_dist(10 + trial * 37, trial % 3, trial % 2);
        const Dist v = random_dist(5 + trial * 53, trial % 3, 0);
        std::vector<float> uf(u.x.begin(), u.x.end()), vf(v.x.begin(), v.x.end());
        std::vector<float> uwf(u.w.begin(), u.w.end());
        Dist ud = u, vd = v;
        for (std::size_t k = 0; k < uf.size(); ++k) ud.x[k] = uf[k];
        for (std::size_t k = 0; k < vf.size(); ++k) vd.x[k] = vf[k];
        for (std::size_t k = 0; k < uwf.size(); ++k) ud.w[k] = uwf[k];
        const float* uwp = uwf.empty() ? nullptr : uwf.data();
        const float* none = nullptr;
        for (double p : kPs) {
            const double got = pydiv::wasserstein_1d_sorted(uf.data(), uwp, static_cast<std::int64_t>(uf.size()),
                                                            vf.data(), none, static_cast<std::int64_t>(vf.size()), p);
            CHECK(got == w_p(ud, vd, p));
        }
        const double ge = pydiv::energy_distance_sorted(uf.data(), uwp, static_cast<std::int64_t>(uf.size()), vf.data(),
                                                        none, static_cast<std::int64_t>(vf.size()));
        CHECK(ge == energy(ud, vd));
    }
}

void test_rows() {
    const std::int64_t rows = 37, nu = 23, nv = 31, ustride = 25, vstride = 31;
    std::vector<double> U(rows * ustride, 1e300), V(rows * vstride), UW(rows * nu), VW(rows * nv);
    std::vector<Dist> us, vs;
    for (std::int64_t r = 0; r < rows; ++r) {
        Dist u = random_dist(nu, static_cast<int>(r % 3), 1), v = random_dist(nv, static_cast<int>(r % 3), 2);
        std::copy(u.x.begin(), u.x.end(), U.begin() + r * ustride);
        std::copy(v.x.begin(), v.x.end(), V.begin() + r * vstride);
        std::copy(u.w.begin(), u.w.end(), UW.begin() + r * nu);
        std::copy(v.w.begin(), v.w.end(), VW.begin() + r * nv);
        us.push_back(u);
        vs.push_back(v);
    }
    for (double p : kPs) {
        for (int weighted = 0; weighted < 2; ++weighted) {
            pydiv::SortedRows<double> ur{U.data(), weighted ? UW.data() : nullptr, nu, ustride, nu};
            pydiv::SortedRows<double> vr{V.data(), weighted ? VW.data() : nullptr, nv, vstride, nv};
            std::vector<double> out(rows), out4(rows), oute(rows);
            pydiv::wasserstein_1d_rows(ur, vr, rows, p, out.data(), 1);
            pydiv::wasserstein_1d_rows(ur, vr, rows, p, out4.data(), 4);
            pydiv::energy_distance_rows(ur, vr, rows, oute.data(), 3);
            for (std::int64_t r = 0; r < rows; ++r) {
                Dist u = us[r], v = vs[r];
                if (!weighted) {
                    u.w.clear();
                    v.w.clear();
                }
                CHECK(out[r] == w_p(u, v, p));
                CHECK(out4[r] == out[r]);
                if (p == 1.0) CHECK(oute[r] == energy(u, v));
            }
        }
    }
    // broadcasting one row of v against every row of u (row stride 0)
    {
        pydiv::SortedRows<double> ur{U.data(), nullptr, nu, ustride, 0};
        pydiv::SortedRows<double> vr{V.data(), nullptr, nv, 0, 0};
        std::vector<double> out(rows);
        pydiv::wasserstein_1d_rows(ur, vr, rows, 2.0, out.data(), 2);
        Dist v0 = vs[0];
        v0.w.clear();
        for (std::int64_t r = 0; r < rows; ++r) {
            Dist u = us[r];
            u.w.clear();
            CHECK(out[r] == w_p(u, v0, 2.0));
        }
    }
    // a batch large enough for the parallel path, unit and equal sizes
    {
        const std::int64_t R = 400, n = 300;
        std::vector<double> A(R * n), B(R * n);
        for (std::int64_t r = 0; r < R; ++r) {
            const Dist a = random_dist(n, 0, 0), b = random_dist(n, 0, 0);
            std::copy(a.x.begin(), a.x.end(), A.begin() + r * n);
            std::copy(b.x.begin(), b.x.end(), B.begin() + r * n);
        }
        pydiv::SortedRows<double> ar{A.data(), nullptr, n, n, 0}, br{B.data(), nullptr, n, n, 0};
        std::vector<double> o1(R), o2(R);
        pydiv::wasserstein_1d_rows(ar, br, R, 1.0, o1.data(), 1);
        pydiv::wasserstein_1d_rows(ar, br, R, 1.0, o2.data(), 0);
        bool same = true, right = true;
        for (std::int64_t r = 0; r < R; ++r) {
            same = same && o1[r] == o2[r];
            const Vec a(A.begin() + r * n, A.begin() + (r + 1) * n), b(B.begin() + r * n, B.begin() + (r + 1) * n);
            right = right && std::fabs(o1[r] - sorted_pairs_wp(a, b, 1.0)) <= 1e-13 * o1[r];
        }
        CHECK(same);
        CHECK(right);
    }
}

}  // namespace

int main() {
    test_random_small();
    test_grid_reference();
    test_equal_sizes();
    test_replicated();
    test_edges();
    test_long();
    test_float();
    test_rows();
    std::printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail == 0 ? 0 : 1;
}
