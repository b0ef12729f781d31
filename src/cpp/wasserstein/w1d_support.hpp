// Shared pieces of the 1-D optimal-transport kernels: the row views of a
// batch (SortedRows, HistRows), accessors that read values and weights as
// double (unit, contiguous, strided, 0..k-1), the power terms, the checks of
// an input (finite ends, order, non-negative weights with a usable total),
// stack-or-heap scratch, and the segment loop that may run on OpenMP threads.
// Plain C++17, no Python.
//
// Invariants: every accessor returns double whatever the stored type, so
// every kernel accumulates in double; checked_total is NaN exactly when the
// weights cannot be normalised (one negative or NaN, or a total that is zero,
// subnormal or infinite), and the kernels turn that into a NaN result.
// Scratch allocates at most once per call, outside every loop.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>

namespace pydiv {

// Rows of sorted samples: row r holds n sorted values at
// values + r * value_row_stride (contiguous inside a row; stride 0
// broadcasts one row).  weights == nullptr means unit weights; otherwise the
// weights of row r are at weights + r * weight_row_stride, aligned with the
// values.
template <class T, class W = double>
struct SortedRows {
    const T* values = nullptr;
    const W* weights = nullptr;
    std::int64_t n = 0;
    std::int64_t value_row_stride = 0;
    std::int64_t weight_row_stride = 0;
};

// Rows of histograms with arbitrary strides in elements (numpy views and
// broadcasting without copies): element i of row r is row(r)[i * elem_stride],
// row r starting at data + (r / inner_rows) * outer_stride + (r % inner_rows) * row_stride
// (inner_rows <= 0: data + r * row_stride), so a middle axis is read in place.
template <class T>
struct HistRows {
    const T* data = nullptr;
    std::int64_t row_stride = 0;
    std::int64_t elem_stride = 1;
    std::int64_t inner_rows = 0;
    std::int64_t outer_stride = 0;

    const T* row(std::int64_t r) const {
        if (inner_rows <= 0) return data + r * row_stride;
        return data + (r / inner_rows) * outer_stride + (r % inner_rows) * row_stride;
    }
};

namespace w1d {

using index_t = std::int64_t;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Merged points per segment: the unit of work of a thread and of the
// (thread-count independent) summation order.
constexpr index_t kSegment = index_t{1} << 16;
// Independent chains per segment; below kChainFrom merged points one chain.
constexpr int kChains = 4;
constexpr index_t kChainFrom = 256;
// Below this much work (rows * points) a batch stays on one thread.
constexpr index_t kParallelWork = index_t{1} << 15;

// ---------------------------------------------------------------- accessors
// Unit weights.
struct UnitW {
    static constexpr bool unit = true;
    double operator[](index_t) const { return 1.0; }
};
// Contiguous weights.
template <class W>
struct PtrW {
    static constexpr bool unit = false;
    const W* p;
    double operator[](index_t i) const { return static_cast<double>(p[i]); }
};
// Strided values or weights (histograms).
template <class T>
struct StridedA {
    static constexpr bool unit = false;
    const T* p;
    index_t s;
    double operator[](index_t i) const { return static_cast<double>(p[i * s]); }
};
// Support 0, 1, 2, ... (histograms without x).
struct IotaA {
    double operator[](index_t i) const { return static_cast<double>(i); }
};

// ---------------------------------------------------------------- power terms
struct AbsTerm {
    double operator()(double d) const { return std::fabs(d); }
};
struct SquareTerm {
    double operator()(double d) const { return d * d; }
};
// Scratch storage: on the stack for small counts, on the heap otherwise
// (allocated once per call, outside every loop).
template <class T, std::size_t N>
class Scratch {
public:
    explicit Scratch(std::size_t n) {
        if (n > N) {
            heap_.reset(new T[n]);
            ptr_ = heap_.get();
        }
    }
    T& operator[](std::size_t i) { return ptr_[i]; }

private:
    T local_[N];
    std::unique_ptr<T[]> heap_;
    T* ptr_ = local_;
};

// body(i) for i in [0, n): on nt OpenMP threads when par, else a plain loop
// (an OpenMP region costs a runtime call even when its if() is false).
template <class F>
inline void parallel_for(index_t n, bool par, int nt, F&& body) {
#if defined(_OPENMP)
    if (par) {
#pragma omp parallel for schedule(static) num_threads(nt)
        for (index_t i = 0; i < n; ++i) body(i);
        return;
    }
#else
    (void)par;
    (void)nt;
#endif
    for (index_t i = 0; i < n; ++i) body(i);
}

// Sum of f(i) over [begin, end) with four accumulators (one pass, no branch).
template <class F>
inline double sum_range(F f, index_t begin, index_t end) {
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    index_t i = begin;
    for (; i + 4 <= end; i += 4) {
        s0 += f(i);
        s1 += f(i + 1);
        s2 += f(i + 2);
        s3 += f(i + 3);
    }
    for (; i < end; ++i) s0 += f(i);
    return (s0 + s1) + (s2 + s3);
}

// A total weight the kernels can normalise by (its reciprocal is finite).
inline bool usable_total(double w) {
    return w >= std::numeric_limits<double>::min() && w <= std::numeric_limits<double>::max();
}

// The total of n weights, or NaN when one is negative or NaN or the total
// is not usable.  One branch-free pass.
template <class WA>
inline double checked_total(WA w, index_t n) {
    if constexpr (WA::unit) {
        return static_cast<double>(n);
    } else {
        double s0 = 0.0, s1 = 0.0;
        bool bad = false;
        index_t i = 0;
        for (; i + 2 <= n; i += 2) {
            const double a = w[i], b = w[i + 1];
            bad |= !(a >= 0.0) | !(b >= 0.0);
            s0 += a;
            s1 += b;
        }
        if (i < n) {
            const double a = w[i];
            bad |= !(a >= 0.0);
            s0 += a;
        }
        const double t = s0 + s1;
        return bad || !usable_total(t) ? kNaN : t;
    }
}

// Whether n values are finite and (when check_order) non-decreasing; NaN
// fails the order test wherever it is.
template <class T>
inline bool values_ok(const T* x, index_t n, bool check_order) {
    if (!std::isfinite(static_cast<double>(x[0])) || !std::isfinite(static_cast<double>(x[n - 1]))) return false;
    if (!check_order) return true;
    index_t bad = 0;  // a count vectorises better than a flag
    for (index_t i = 0; i + 1 < n; ++i) bad += !(x[i] <= x[i + 1]);
    return bad == 0;
}

// Smallest power of two >= a (a > 0 finite), so scaling by it is exact.
inline double pow2_above(double a) {
    if (!(a > 0.0) || !std::isfinite(a)) return 1.0;
    int e = 0;
    std::frexp(a, &e);  // a = m * 2^e, 0.5 <= m < 1
    return std::ldexp(1.0, e);
}

}  // namespace w1d
}  // namespace pydiv
