// Native tests of src/cpp/wasserstein/histograms.hpp (wasserstein_hist_rows)
// against the sample kernel and the brute-force references of
// w1d_reference.hpp: strided, transposed, outer-dimension and broadcast rows,
// float masses, invalid rows.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "wasserstein/wasserstein_1d.hpp"
#include "w1d_reference.hpp"

namespace {

// Histograms on a shared support, strided rows, against the sample kernel
// (support points weighted by the masses) and the brute-force CDF integral.
void test_hist() {
    std::uniform_real_distribution<double> ud(0.0, 1.0);
    for (int k : {1, 2, 3, 10, 57}) {
        const std::int64_t rows = 9;
        Vec x(k);
        double acc = -1.0;
        for (auto& xi : x) {
            acc += ud(rng) < 0.2 ? 0.0 : ud(rng);  // some repeated support points
            xi = acc;
        }
        // p: rows x k with element stride 2 (every other column), q: transposed layout
        std::vector<double> P(rows * k * 2), Q(k * rows);
        for (std::int64_t r = 0; r < rows; ++r) {
            for (int i = 0; i < k; ++i) {
                P[r * 2 * k + 2 * i] = ud(rng) < 0.25 ? 0.0 : ud(rng);
                P[r * 2 * k + 2 * i + 1] = -7.0;  // never read
                Q[i * rows + r] = ud(rng) < 0.25 ? 0.0 : ud(rng);
            }
            P[r * 2 * k + 2 * (r % k)] += 0.5;  // non-zero row
            Q[(r % k) * rows + r] += 0.5;
        }
        const pydiv::HistRows<double> ph{P.data(), 2 * k, 2}, qh{Q.data(), 1, rows};
        for (double order : kPs) {
            std::vector<double> out(rows), out_iota(rows), out_thr(rows);
            pydiv::wasserstein_hist_rows(ph, qh, rows, k, x.data(), 1, order, out.data(), 1);
            pydiv::wasserstein_hist_rows(ph, qh, rows, k, static_cast<const double*>(nullptr), 1, order,
                                         out_iota.data(), 1);
            pydiv::wasserstein_hist_rows(ph, qh, rows, k, x.data(), 1, order, out_thr.data(), 4);
            for (std::int64_t r = 0; r < rows; ++r) {
                Dist a{x, Vec(k)}, b{x, Vec(k)};
                Vec iota(k);
                for (int i = 0; i < k; ++i) {
                    a.w[i] = P[r * 2 * k + 2 * i];
                    b.w[i] = Q[i * rows + r];
                    iota[i] = i;
                }
                CHECK_CLOSE(out[r], w_p(a, b, order), 1e-12, "hist vs weighted samples");
                CHECK_CLOSE(out[r], order == 1.0 ? ref_w1(a, b) : ref_wp(a, b, order), 1e-12, "hist vs brute force");
                const Dist ai{iota, a.w}, bi{iota, b.w};
                CHECK_CLOSE(out_iota[r], ref_wp(ai, bi, order), 1e-12, "hist on 0..k-1");
                CHECK(out_thr[r] == out[r]);
            }
        }
        // the same rows through an outer dimension: 3 blocks of 3 rows each
        {
            const pydiv::HistRows<double> po{P.data(), 2 * k, 2, 3, 6 * k}, qo{Q.data(), 1, rows, 3, 3};
            std::vector<double> out(rows), out_outer(rows);
            pydiv::wasserstein_hist_rows(ph, qh, rows, k, x.data(), 1, 1.0, out.data(), 1);
            pydiv::wasserstein_hist_rows(po, qo, rows, k, x.data(), 1, 1.0, out_outer.data(), 1);
            for (std::int64_t r = 0; r < rows; ++r) CHECK(out_outer[r] == out[r]);
        }
        // broadcasting one histogram (row stride 0)
        const pydiv::HistRows<double> p0{P.data(), 0, 2};
        std::vector<double> o(rows);
        pydiv::wasserstein_hist_rows(p0, qh, rows, k, x.data(), 1, 1.0, o.data(), 1);
        for (std::int64_t r = 0; r < rows; ++r) {
            Dist a{x, Vec(k)}, b{x, Vec(k)};
            for (int i = 0; i < k; ++i) {
                a.w[i] = P[2 * i];
                b.w[i] = Q[i * rows + r];
            }
            CHECK_CLOSE(o[r], ref_w1(a, b), 1e-12, "hist broadcast row");
        }
    }
    // float masses, empty and zero rows
    {
        const std::vector<float> p{0.f, 1.f, 3.f, 0.f}, q{2.f, 0.f, 0.f, 2.f}, z{0.f, 0.f, 0.f, 0.f};
        const Vec x{0.0, 1.0, 2.5, 4.0};
        double o = 0;
        pydiv::wasserstein_hist_rows(pydiv::HistRows<float>{p.data(), 0, 1}, pydiv::HistRows<float>{q.data(), 0, 1}, 1,
                                     4, x.data(), 1, 1.0, &o, 1);
        // F_p = 0, .25, 1, 1; F_q = .5, .5, .5, 1
        CHECK_CLOSE(o, 0.5 * 1.0 + 0.25 * 1.5 + 0.5 * 1.5, 1e-15, "hand-computed hist W1");
        pydiv::wasserstein_hist_rows(pydiv::HistRows<float>{p.data(), 0, 1}, pydiv::HistRows<float>{z.data(), 0, 1}, 1,
                                     4, x.data(), 1, 2.0, &o, 1);
        CHECK(std::isnan(o));
        const std::vector<float> neg{1.f, -1.f, 3.f, 0.f};
        for (double order : kPs) {
            pydiv::wasserstein_hist_rows(pydiv::HistRows<float>{neg.data(), 0, 1},
                                         pydiv::HistRows<float>{q.data(), 0, 1}, 1, 4, x.data(), 1, order, &o, 1);
            CHECK(std::isnan(o));
        }
        pydiv::wasserstein_hist_rows(pydiv::HistRows<float>{p.data(), 0, 1}, pydiv::HistRows<float>{q.data(), 0, 1}, 1,
                                     4, x.data(), 1, 0.5, &o, 1);
        CHECK(std::isnan(o));
    }
}

}  // namespace

int main() {
    test_hist();
    std::printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail == 0 ? 0 : 1;
}
