// The SIMD level of cpu_features.hpp, decided once: the compiler's CPU
// checks (__builtin_cpu_supports, x86-64 with GCC or Clang; baseline
// elsewhere) say what the CPU offers, and PYDIV_SIMD caps it.
#include "core/cpu_features.hpp"

#include <cctype>
#include <cstdlib>
#include <string>

namespace pydiv {

int simd_cap_from_name(const char* name) {
    std::string s;
    for (const char* c = name; *c; ++c)
        if (!std::isspace(static_cast<unsigned char>(*c))) s += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    if (s.empty()) return static_cast<int>(SimdLevel::avx512);  // unset: no cap
    if (s == "baseline") return static_cast<int>(SimdLevel::baseline);
    if (s == "avx2" || s == "avx2+fma") return static_cast<int>(SimdLevel::avx2);
    if (s == "avx512") return static_cast<int>(SimdLevel::avx512);
    return -1;
}

static SimdLevel detect() {
    SimdLevel cap = SimdLevel::avx512;
    if (const char* forced = std::getenv("PYDIV_SIMD")) {
        const int c = simd_cap_from_name(forced);
        if (c >= 0) cap = static_cast<SimdLevel>(c);  // an unknown name caps nothing (Python warns)
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
