// Shared helpers of the binding files: array aliases and the rule for when
// the GIL is worth releasing.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstdint>

namespace pydiv_bind {

namespace nb = nanobind;

template <class T>
using Array1 = nb::ndarray<const T, nb::ndim<1>, nb::device::cpu>;
template <class T>
using Array2 = nb::ndarray<const T, nb::ndim<2>, nb::device::cpu>;
template <class T>
using Array3 = nb::ndarray<const T, nb::ndim<3>, nb::device::cpu>;

// Releasing and re-taking the GIL costs about 0.1 us; below this many
// elements a kernel finishes sooner than another thread could use the GIL.
constexpr std::int64_t kReleaseGilFrom = 1 << 12;

}  // namespace pydiv_bind
