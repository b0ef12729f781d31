// Shared helpers of the binding files: array aliases, the rule for when
// the GIL is worth releasing, and the one way to release it.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <chrono>
#include <cstdint>
#include <thread>

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

// True once the interpreter has begun to shut down.
inline bool interpreter_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing() != 0;
#else
    return _Py_IsFinalizing() != 0;
#endif
}

// A thread that must not take the GIL again waits here for the process to end.
[[noreturn]] inline void wait_for_process_exit() {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

// Releases the GIL for the lifetime of the object (use instead of
// nb::gil_scoped_release).  When the interpreter is shutting down, a daemon
// thread that takes the GIL back is ended by CPython 3.11-3.13 with
// pthread_exit, whose forced unwind through this noexcept destructor would
// abort the whole process ("terminate called without an active exception").
// Such a thread never takes the GIL back: it waits until the process exits,
// as CPython 3.14 makes such threads do itself.
class GilRelease {
public:
    GilRelease() : state_(PyEval_SaveThread()) {}
    ~GilRelease() {
        if (interpreter_finalizing()) wait_for_process_exit();
        PyEval_RestoreThread(state_);
    }
    GilRelease(const GilRelease&) = delete;
    GilRelease& operator=(const GilRelease&) = delete;

private:
    PyThreadState* state_;
};

}  // namespace pydiv_bind
