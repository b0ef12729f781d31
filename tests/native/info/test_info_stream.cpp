// Native tests of the streaming merge (info_stream.hpp, kl_merge_gain): the
// two-bin chain-rule term against a 113-bit reference, for parts whose
// ratios are close, far apart, or whose totals lie 2^1800 apart, and the
// conventions for parts without mass on one side.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "check.hpp"
#include "info/info_stream.hpp"

namespace {

#ifdef __SIZEOF_FLOAT128__
using Q = __float128;  // arithmetic only: no libquadmath needed
#else
using Q = long double;
#endif

// A KL((A_x, A_y)/A || (B_x, B_y)/B): per part x = A_k / A, y = B_k / B in
// 113-bit arithmetic; the series in z = (x - y)/(x + y) for |z| <= 0.05
// (30 terms), else the direct form in long double (no cancellation there).
double reference(double ax, double bx, double ay, double by) {
    const Q a = Q(ax) + Q(ay), b = Q(bx) + Q(by);
    Q sum = 0;
    for (const auto& [ak, bk] : {std::pair{ax, bx}, std::pair{ay, by}}) {
        const Q x = Q(ak) / a, y = Q(bk) / b;
        if (x == 0) {
            sum += y;
            continue;
        }
        const Q z = (x - y) / (x + y);
        if (z * z <= Q(0.0025)) {
            const Q zz = z * z;
            Q poly = 0;
            for (int k = 29; k >= 0; --k) poly = poly * zz + Q(1) / Q(2 * k + 3);
            sum += (x + y) * zz * (1 + (1 + z) * z * poly);
        } else {
            const long double xl = static_cast<long double>(x), yl = static_cast<long double>(y);
            sum += static_cast<Q>(xl * std::log(xl / yl) - (xl - yl));
        }
    }
    return static_cast<double>(sum) * static_cast<double>(static_cast<long double>(a));
}

double gain(double ax, double bx, double ay, double by) {
    const double totals[8] = {ax, 0.0, bx, 0.0, ay, 0.0, by, 0.0};
    double out = -1.0;
    pydiv::kl_merge_gain(totals, 1, &out);
    return out;
}

void test_against_reference() {
    // (A_x, B_x, A_y, B_y): ratios 1e-12 .. 1e3 apart, parts of unequal
    // weight, and sides scaled 2^900 and 2^-900 (the ratio A / B is no float).
    const std::vector<std::vector<double>> cases = {
        {1.0, 1.0, 2.0, 2.0 * (1 + 1e-12)}, {1.0, 1.0, 2.0, 2.0 * (1 + 1e-6)}, {3.0, 1.0, 1.0, 1.0},
        {1e-9, 1e-6, 1.0, 1.0 + 1e-7},      {1.0, 1e3, 1.0, 1.0},             {0.7, 0.3, 1e-300, 1.0},
        {std::ldexp(1.0, 900), std::ldexp(1.0, -900), std::ldexp(1.5, 900), std::ldexp(1.5 * (1 + 1e-9), -900)},
    };
    for (const auto& c : cases) {
        const double want = reference(c[0], c[1], c[2], c[3]);
        CHECK_CLOSE(gain(c[0], c[1], c[2], c[3]), want, 2e-15, 0.0);
        CHECK_CLOSE(gain(c[2], c[3], c[0], c[1]), want, 2e-15, 0.0);  // symmetric in the parts
    }
}

void test_conventions() {
    // A part with no p mass adds its weighted q, A B_x / B; no q mass
    // against p mass is +inf; a side without mass at all adds nothing.
    CHECK_CLOSE(gain(0.0, 1.0, 2.0, 3.0), 2.0 * 1.0 / 4.0 + 2.0 * std::log(4.0 / 3.0) - 2.0 * (1.0 - 3.0 / 4.0), 1e-15,
                0.0);
    CHECK(gain(1.0, 0.0, 2.0, 3.0) == std::numeric_limits<double>::infinity());
    CHECK(gain(0.0, 1.0, 0.0, 3.0) == 0.0);
    CHECK(gain(1.0, 0.0, 2.0, 0.0) == 0.0);
    CHECK(gain(1.0, 2.0, 1.0, 2.0) == 0.0);  // equal ratios
}

}  // namespace

int main() {
    test_against_reference();
    test_conventions();
    return native_test::finish();
}
