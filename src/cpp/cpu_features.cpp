#include "cpu_features.hpp"

#include <cstdlib>
#include <cstring>

namespace pydiv {

static SimdLevel detect() {
    SimdLevel cap = SimdLevel::avx512;
    if (const char* forced = std::getenv("PYDIV_SIMD")) {
        if (std::strcmp(forced, "baseline") == 0) cap = SimdLevel::baseline;
        if (std::strcmp(forced, "avx2") == 0) cap = SimdLevel::avx2;
    }
    SimdLevel level = SimdLevel::baseline;
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = SimdLevel::avx2;
    if (level == SimdLevel::avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
        level = SimdLevel::avx512;
#endif
    return static_cast<int>(level) < static_cast<int>(cap) ? level : cap;
}

SimdLevel simd_level() {
    static const SimdLevel level = detect();
    return level;
}

const char* simd_level_name(SimdLevel level) {
    switch (level) {
        case SimdLevel::avx512: return "avx512";
        case SimdLevel::avx2: return "avx2+fma";
        case SimdLevel::baseline: break;
    }
    return "baseline";
}

}  // namespace pydiv
