// Native tests of the stable row argsort (sliced/argsort_rows.hpp): against
// std::stable_sort of indices, on rows with many ties, signed zeros,
// infinities and wide exponents, at lengths around the radix threshold, and
// the same order for every thread count.  Run under sanitizers in CI.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "check.hpp"
#include "sliced/argsort_rows.hpp"

namespace {

std::vector<std::int64_t> reference(const double* row, std::int64_t n) {
    std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
    std::iota(idx.begin(), idx.end(), std::int64_t{0});
    std::stable_sort(idx.begin(), idx.end(), [row](std::int64_t i, std::int64_t j) { return row[i] < row[j]; });
    return idx;
}

void check_rows(const std::vector<double>& x, std::int64_t rows, std::int64_t n, int threads) {
    std::vector<std::int64_t> order(x.size());
    pydiv::sliced::argsort_rows(x.data(), rows, n, order.data(), threads);
    bool same = true;
    for (std::int64_t r = 0; r < rows; ++r) {
        const auto want = reference(x.data() + r * n, n);
        same = same && std::equal(want.begin(), want.end(), order.begin() + r * n);
    }
    native_test::check(same, "argsort_rows equals std::stable_sort of the indices", __FILE__, __LINE__);
}

}  // namespace

int main() {
    std::mt19937_64 g(7);
    const double inf = std::numeric_limits<double>::infinity();
    const double pool[] = {-inf, -1.0, -0.0, 0.0, 2.5, inf, 1e-300, -1e300, 5e-324};
    std::uniform_int_distribution<int> pick(0, 8);
    std::normal_distribution<double> z(0.0, 1.0);
    std::uniform_int_distribution<int> expo(-300, 300);
    for (std::int64_t n : {0, 1, 2, 95, 96, 97, 1000, 20000}) {
        const std::int64_t rows = 3;
        std::vector<double> ties(static_cast<std::size_t>(rows * n)), wide(ties.size());
        for (double& v : ties) v = pool[pick(g)];
        for (double& v : wide) v = z(g) * std::pow(10.0, expo(g));
        for (int threads : {1, 2, 3}) {
            check_rows(ties, rows, n, threads);
            check_rows(wide, rows, n, threads);
        }
    }
    return native_test::finish();
}
