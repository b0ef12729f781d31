#include "cpu_features.hpp"

#include <cstdlib>
#include <cstring>

namespace pydiv {

static SimdLevel detect() {
    const char* forced = std::getenv("PYDIV_SIMD");
    if (forced != nullptr && std::strcmp(forced, "baseline") == 0) return SimdLevel::baseline;
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::avx2;
#endif
    return SimdLevel::baseline;
}

SimdLevel simd_level() {
    static const SimdLevel level = detect();
    return level;
}

const char* simd_level_name(SimdLevel level) {
    return level == SimdLevel::avx2 ? "avx2+fma" : "baseline";
}

}  // namespace pydiv
