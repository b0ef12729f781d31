// Build and runtime facts for pydiv.show_config() and `pydiv info`.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <string>

#include "core/cpu_features.hpp"
#include "core/threads.hpp"

namespace nb = nanobind;

static std::string compiler() {
#if defined(__clang__)
    return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
    return std::string("gcc ") + __VERSION__;
#elif defined(_MSC_VER)
    return "msvc " + std::to_string(_MSC_VER);
#else
    return "unknown";
#endif
}

// The OpenMP specification the compiler implements, as its _OPENMP date
// (yyyymm, e.g. 201511 for OpenMP 4.5); 0 in a build without OpenMP.
static long openmp_version() {
#ifdef _OPENMP
    return _OPENMP;
#else
    return 0;
#endif
}

void register_config(nb::module_& m) {
    m.def("simd_level", [] { return std::string(pydiv::simd_level_name(pydiv::simd_level())); });
    m.def("simd_name_known", [](const std::string& name) { return pydiv::simd_cap_from_name(name.c_str()) >= 0; },
          nb::arg("name"));
    m.def("compiler", &compiler);
    m.def("openmp", &pydiv::openmp_enabled);
    m.def("openmp_version", &openmp_version);
    m.def("max_threads", [] { return pydiv::resolve_threads(0); });
    m.def("thread_cap", &pydiv::thread_cap);
}
