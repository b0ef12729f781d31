// Shared helpers of the binding files: array aliases, the rule for when
// the GIL is worth releasing, the one way to release it and to take it back,
// and the Ctrl-C check of long kernels.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <chrono>
#include <cstdint>
#include <thread>
#if defined(__GLIBCXX__)
#include <cxxabi.h>
#endif

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

// Runs take_gil, which takes the GIL back.  When the interpreter shuts down
// while a thread waits for the GIL, CPython 3.11-3.13 ends that thread with
// pthread_exit; glibc implements it as a forced unwind, which would abort the
// whole process ("terminate called without an active exception") when it
// reaches a noexcept frame such as a destructor.  The check of
// interpreter_finalizing() before waiting cannot close that window: the
// interpreter may begin to shut down during the wait.  So the unwind is caught
// here and the thread waits until the process exits, as CPython 3.14 makes
// such threads do itself.  (A forced unwind may be caught if its handler
// never returns; other C libraries end the thread without unwinding.)
template <class TakeGil>
void take_gil_or_wait_for_exit(TakeGil&& take_gil) noexcept {
#if defined(__GLIBCXX__)
    try {
        take_gil();
    } catch (abi::__forced_unwind&) {
        wait_for_process_exit();
    }
#else
    take_gil();
#endif
}

// Releases the GIL for the lifetime of the object (use instead of
// nb::gil_scoped_release, which aborts at interpreter exit, see above).  A
// thread that ends its work after the interpreter began to shut down never
// takes the GIL back.
class GilRelease {
public:
    GilRelease() : state_(PyEval_SaveThread()) {}
    ~GilRelease() {
        if (interpreter_finalizing()) wait_for_process_exit();
        take_gil_or_wait_for_exit([this] { PyEval_RestoreThread(state_); });
    }
    GilRelease(const GilRelease&) = delete;
    GilRelease& operator=(const GilRelease&) = delete;

private:
    PyThreadState* state_;
};

// Holds the GIL for the lifetime of the object, whether or not this thread
// held it before (use instead of nb::gil_scoped_acquire, for the same reason).
// Check interpreter_finalizing() first: a thread never starts waiting then.
class GilAcquire {
public:
    GilAcquire() {
        take_gil_or_wait_for_exit([this] { state_ = PyGILState_Ensure(); });
    }
    ~GilAcquire() { PyGILState_Release(state_); }
    GilAcquire(const GilAcquire&) = delete;
    GilAcquire& operator=(const GilAcquire&) = delete;

private:
    PyGILState_STATE state_{};
};

// Ctrl-C for long kernels that run without the GIL.  The kernel calls
// should_stop() between steps; at most every kCheckSeconds it takes the GIL
// and runs PyErr_CheckSignals().  If a handler raised (KeyboardInterrupt), the
// exception stays pending in this thread, should_stop() returns true, and the
// binding re-raises it once the GIL is back (throw nb::python_error() when
// signalled()).  During interpreter shutdown it stops the kernel without
// taking the GIL.
class SignalWatch {
public:
    static constexpr double kCheckSeconds = 0.1;

    bool should_stop() {
        const auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - last_).count() < kCheckSeconds) return false;
        last_ = now;
        if (interpreter_finalizing()) return true;
        GilAcquire acquire;  // also fine when the GIL is already held
        if (PyErr_CheckSignals() != 0) {
            signalled_ = true;
            return true;
        }
        return false;
    }
    // For kernels that take a C callback and a context pointer.
    static bool check(void* watch) { return static_cast<SignalWatch*>(watch)->should_stop(); }
    bool signalled() const { return signalled_; }

private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
    bool signalled_ = false;
};

}  // namespace pydiv_bind
