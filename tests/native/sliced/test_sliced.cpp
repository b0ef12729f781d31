// Native tests of the sliced kernels (sliced/sliced.hpp): each direction's
// W_p^p against a plain projection, std::sort and the 1-D kernel; the radix
// sort against std::sort on awkward values; the pair kernel against single
// pairs; and the same results for every thread count.  Run under sanitizers
// in CI: the padded tiles and blocks must stay in bounds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "check.hpp"
#include "sliced/radix_sort.hpp"
#include "sliced/sliced.hpp"
#include "wasserstein/wasserstein_1d.hpp"

namespace {

using pydiv::sliced::Cloud;
using pydiv::sliced::CloudSet;
using pydiv::sliced::StopCheck;

std::vector<double> normals(std::mt19937_64& g, std::size_t n, double shift) {
    std::normal_distribution<double> z(shift, 1.0);
    std::vector<double> v(n);
    for (double& x : v) x = z(g);
    return v;
}

// W_p^p along theta the plain way.
double plain_wpp(const std::vector<double>& x, const double* xw, std::int64_t n, const std::vector<double>& y,
                 const double* yw, std::int64_t m, std::int64_t d, const double* theta, double p) {
    auto project = [&](const std::vector<double>& c, const double* w, std::int64_t k, std::vector<double>& vals,
                       std::vector<double>& wts) {
        std::vector<std::pair<double, double>> pw(static_cast<std::size_t>(k));
        for (std::int64_t i = 0; i < k; ++i) {
            double s = 0.0;
            for (std::int64_t j = 0; j < d; ++j) s += c[static_cast<std::size_t>(i * d + j)] * theta[j];
            pw[static_cast<std::size_t>(i)] = {s, w ? w[i] : 1.0};
        }
        std::sort(pw.begin(), pw.end());
        for (const auto& e : pw) {
            vals.push_back(e.first);
            wts.push_back(e.second);
        }
    };
    std::vector<double> u, uw, v, vw;
    project(x, xw, n, u, uw);
    project(y, yw, m, v, vw);
    const double w = pydiv::wasserstein_1d_sorted(u.data(), xw ? uw.data() : nullptr, n, v.data(),
                                                  yw ? vw.data() : nullptr, m, p);
    return std::pow(w, p);
}

void test_single_pairs() {
    std::mt19937_64 g(1);
    for (std::int64_t d : {1, 3, 17}) {
        for (std::int64_t n : {1, 7, 95, 500}) {
            const std::int64_t m = n / 2 + 3, L = 45;
            const auto x = normals(g, static_cast<std::size_t>(n * d), 0.0);
            const auto y = normals(g, static_cast<std::size_t>(m * d), 0.5);
            std::vector<double> xw(static_cast<std::size_t>(n)), theta = normals(g, static_cast<std::size_t>(L * d), 0.0);
            for (double& w : xw) w = std::uniform_real_distribution<double>(0.1, 1.0)(g);
            for (double p : {1.0, 2.0, 1.5}) {
                for (int weighted = 0; weighted < 2; ++weighted) {
                    const double* wp = weighted ? xw.data() : nullptr;
                    std::vector<double> one(static_cast<std::size_t>(L)), two(static_cast<std::size_t>(L));
                    pydiv::sliced::sliced_wpp(Cloud<double>{x.data(), wp, n}, Cloud<double>{y.data(), nullptr, m}, d,
                                              theta.data(), L, p, one.data(), 1, StopCheck{});
                    pydiv::sliced::sliced_wpp(Cloud<double>{x.data(), wp, n}, Cloud<double>{y.data(), nullptr, m}, d,
                                              theta.data(), L, p, two.data(), 3, StopCheck{});
                    CHECK(one == two);
                    for (std::int64_t l = 0; l < L; ++l) {
                        const double want = plain_wpp(x, wp, n, y, nullptr, m, d, theta.data() + l * d, p);
                        CHECK_CLOSE(one[static_cast<std::size_t>(l)], want, 1e-11, 1e-300);
                    }
                }
            }
        }
    }
}

void test_radix_sort() {
    std::mt19937_64 g(2);
    pydiv::sliced::RadixSorter sorter;
    for (int kind = 0; kind < 4; ++kind) {
        std::vector<double> v = normals(g, 5000, 0.0);
        for (double& x : v) {
            if (kind == 1) x = std::round(x * 2.0);                 // ties and signed zeros
            if (kind == 2) x = 1e6 + x * 1e-7;                      // one exponent
            if (kind == 3) x = std::ldexp(x, static_cast<int>(g() % 2000) - 1000);  // every exponent
        }
        std::vector<double> w(v.size());
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<double>(i);
        std::vector<double> want = v, got = v, gw = w;
        std::sort(want.begin(), want.end());
        sorter.sort(got.data(), static_cast<std::int64_t>(got.size()));
        bool same = true;
        for (std::size_t i = 0; i < got.size(); ++i) same &= got[i] == want[i];
        CHECK(same);
        got = v;
        sorter.sort(got.data(), gw.data(), static_cast<std::int64_t>(got.size()));
        bool carried = true;
        for (std::size_t i = 0; i < got.size(); ++i) carried &= got[i] == want[i] && v[static_cast<std::size_t>(gw[i])] == got[i];
        CHECK(carried);
    }
}

void test_pairs() {
    std::mt19937_64 g(3);
    const std::int64_t d = 4, L = 37;
    const std::vector<std::int64_t> offsets{0, 5, 105, 106, 400};
    const auto x = normals(g, static_cast<std::size_t>(400 * d), 0.0);
    const auto theta = normals(g, static_cast<std::size_t>(L * d), 0.0);
    const CloudSet<double> set{x.data(), nullptr, offsets.data(), 4};
    std::vector<double> out(16), out1(16);
    pydiv::sliced::sliced_pairs(set, set, true, d, theta.data(), L, 2.0, out.data(), 2, StopCheck{});
    pydiv::sliced::sliced_pairs(set, set, true, d, theta.data(), L, 2.0, out1.data(), 1, StopCheck{});
    CHECK(out == out1);
    for (std::int64_t i = 0; i < 4; ++i) {
        for (std::int64_t j = 0; j < 4; ++j) {
            std::vector<double> wpp(static_cast<std::size_t>(L));
            const Cloud<double> a{x.data() + offsets[i] * d, nullptr, offsets[i + 1] - offsets[i]};
            const Cloud<double> b{x.data() + offsets[j] * d, nullptr, offsets[j + 1] - offsets[j]};
            pydiv::sliced::sliced_wpp(a, b, d, theta.data(), L, 2.0, wpp.data(), 1, StopCheck{});
            double sum = 0.0;
            for (double w : wpp) sum += w;
            CHECK_CLOSE(out[static_cast<std::size_t>(i * 4 + j)], i == j ? 0.0 : sum, 1e-12, 0.0);
        }
    }
}

}  // namespace

int main() {
    test_single_pairs();
    test_radix_sort();
    test_pairs();
    return native_test::finish();
}
