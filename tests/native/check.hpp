// A minimal check framework for the native test drivers: count, report
// failures with their location, and end with "N passed, N failed".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace native_test {

inline int passed = 0;
inline int failed = 0;

inline void check(bool ok, const char* what, const char* file, int line) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAIL %s:%d: %s\n", file, line, what);
    }
}

inline void check_close(double got, double want, double rtol, double atol, const char* what, const char* file,
                        int line) {
    const bool ok = (got == want) || std::fabs(got - want) <= atol + rtol * std::fabs(want);
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("FAIL %s:%d: %s: got %.17g want %.17g\n", file, line, what, got, want);
    }
}

inline int finish() {
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

}  // namespace native_test

#define CHECK(cond) native_test::check((cond), #cond, __FILE__, __LINE__)
#define CHECK_CLOSE(got, want, rtol, atol) \
    native_test::check_close((got), (want), (rtol), (atol), #got, __FILE__, __LINE__)
