// One-dimensional optimal-transport distances between sorted samples, and
// between histograms on a shared sorted support.  Plain C++17, no Python.
//
// Inputs are SORTED value arrays (the caller sorts, and permutes optional
// non-negative weights along); every kernel normalises the weights itself
// (the weight sums are computed here) and accumulates in double, also for
// float inputs.
//
// Algorithms
// ----------
// * CDF merge (W_1, energy distance).  Both distances integrate a function
//   of the difference of the two CDFs, which are step functions that only
//   change at the points of the two supports:
//       W_1 = int |F_u - F_v| dt,      E = sqrt(2 int (F_u - F_v)^2 dt).
//   One linear merge of the two sorted supports visits the merged points
//   t_0 <= t_1 <= ... (u before v on ties) and adds, per gap,
//   term(F_u(t_k) - F_v(t_k)) * (t_{k+1} - t_k).
//   Merge invariant: when a chain has taken the merged points t_0..t_{k-1},
//   i and j count the points taken from u and from v, cu and cv are their
//   weight sums (so cu / Wu = F_u(t_{k-1})), prev = t_{k-1}, and acc holds
//   the integral over [t_0, t_{k-1}].  Taking t_k adds
//   term(cu * su - cv * sv) * (t_k - prev), since both CDFs are constant on
//   [t_{k-1}, t_k).
//   The CDF difference is kept scaled: with unit weights su = nv, sv = nu,
//   so D = i * nv - j * nu is an exact integer and the result is divided by
//   nu * nv once; with weights su = 1 / Wu, sv = 1 / Wv.
//   Speed: a merge step is one data-dependent select, done without a branch
//   (the compare feeds a select and the index increments), so the loop is
//   bound by the latency of "index -> load -> compare -> index".  To hide it
//   the merged sequence is cut at fixed merge-path positions (co-rank found
//   by binary search) into chunks that run as independent interleaved chains
//   (kChains per segment).  Chains never read past the arrays because the
//   merged region they cover ends at the last point of the array that ends
//   first (this relies on the order, which the public functions verify
//   unless the caller promises it); the rest of the other array is a plain
//   run done afterwards.
//   Long merges are cut into fixed segments that may run on several threads;
//   partial sums are added in segment order, so the result does not depend
//   on the thread count.
// * Quantile merge (W_p, p != 1).  W_p^p = int_0^1 |F_u^-1(s) - F_v^-1(s)|^p ds.
//   Both quantile functions are step functions whose breakpoints are the
//   cumulative weight levels cu(i) / Wu and cv(j) / Wv.  One merge walks the
//   breakpoints of both: invariant: the current piece is [prev, e) with
//   e = min(level_u(i), level_v(j)), on which F_u^-1 = x_i and F_v^-1 = y_j;
//   it adds (e - prev) * |x_i - y_j|^p and advances every side whose level
//   equals e.  With unit weights the levels are the exact integers
//   (i + 1) * nv and (j + 1) * nu.  One bounds-checked chain: its keys are
//   running sums, so it cannot be split without O(n) scratch memory.
// * Equal sizes, unit weights: both quantile functions step at k / n, so
//   W_p^p = mean |u_(k) - v_(k)|^p exactly; this (vectorisable) pass is used
//   for every p, including p = 1.
// * Histograms on a shared support x: order 1 is one fused pass with running
//   cumulative sums, sum_{i < k-1} |P_i / Wp - Q_i / Wq| (x_{i+1} - x_i) after
//   a pass for the totals; other orders use the quantile merge on x.
//
// Invalid input (an empty sample, non-finite values, unsorted values when
// the order is checked, a negative or NaN weight, a total weight that is
// not positive and finite, p < 1 or NaN) gives NaN; the Python layer then
// finds and reports the reason.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>

#include "core/threads.hpp"

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

// ------------------------------------------------------------- chain engine
// A merge of two non-decreasing key sequences that integrates a step
// function between consecutive merged keys, run as interleaved chains.  (The
// CDF merge is one; the quantile merge below stays a single chain: its keys
// are running weight sums, which chains could only split with O(n) scratch.)
// A Policy supplies:
//   key_u(i), key_v(j)   the keys (random access: co-ranks need it),
//   integrand(c)         the step function's value on the chain's current gap,
//   origin()             where the integral starts (for the CDF: the first key),
//   track_weights        whether chains carry cu / cv (weighted CDF merge),
//   wu(i), wv(j)         the weights (only with track_weights).
struct Chain {
    index_t i, j;   // keys taken from u and v
    index_t left;   // merged keys still to take
    double cu, cv;  // weight taken from u and v (track_weights only)
    double prev;    // last key taken
    double acc;     // integral so far
};

// Merge-path co-rank: the number i of u keys among the first k keys of the
// merged order (u before v on ties).
template <class P>
inline index_t corank(const P& pol, index_t nu, index_t nv, index_t k) {
    index_t lo = k > nv ? k - nv : 0;
    index_t hi = k < nu ? k : nu;
    while (lo < hi) {
        const index_t mid = lo + (hi - lo) / 2;
        // u key mid is not among the first k iff it comes after v key k - mid - 1.
        if (pol.key_u(mid) > pol.key_v(k - mid - 1)) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

// Number of keys among the first n of `key` that are < x (or <= x).
template <class K>
inline index_t count_below(K key, index_t n, double x, bool or_equal) {
    index_t lo = 0, hi = n;
    while (lo < hi) {
        const index_t mid = lo + (hi - lo) / 2;
        const double k = key(mid);
        if (k < x || (or_equal && k == x)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

template <class P>
struct ChainEngine {
    const P& pol;

    // One branch-free merge step; reads key u(c.i) and key v(c.j), both in
    // bounds by the region rule.
    inline void step(Chain& c) const {
        const double a = pol.key_u(c.i);
        const double b = pol.key_v(c.j);
        const bool take_u = a <= b;
        const double t = b < a ? b : a;  // minsd, not a branch
        c.acc += pol.integrand(c) * (t - c.prev);
        c.prev = t;
        if constexpr (P::track_weights) {
            // Arithmetic select: compilers turn `take_u ? w : 0` into a
            // (mispredicted) branch.
            const double f = static_cast<double>(take_u);
            const double wa = pol.wu(c.i);
            const double wb = pol.wv(c.j);
            c.cu += f * wa;
            c.cv += wb - f * wb;
        }
        c.i += take_u;
        c.j += !take_u;
    }

    // Run C chains in lockstep until each took its `left` keys.
    template <int C>
    void run(Chain* ch) const {
        Chain s[C];
        index_t common = ch[0].left;
        for (int c = 0; c < C; ++c) {
            s[c] = ch[c];
            common = std::min(common, s[c].left);
        }
        for (index_t k = 0; k < common; ++k) {
            for (int c = 0; c < C; ++c) step(s[c]);
        }
        for (int c = 0; c < C; ++c) {
            for (index_t k = common; k < s[c].left; ++k) step(s[c]);
            ch[c] = s[c];
        }
    }

    // A chain starting at co-rank (i, j): prev is the last key before it.
    Chain start(index_t i, index_t j, double cu, double cv, index_t left) const {
        Chain c{i, j, left, cu, cv, 0.0, 0.0};
        if (i == 0 && j == 0) {
            c.prev = pol.origin();
        } else if (i == 0) {
            c.prev = pol.key_v(j - 1);
        } else if (j == 0) {
            c.prev = pol.key_u(i - 1);
        } else {
            c.prev = std::max(pol.key_u(i - 1), pol.key_v(j - 1));
        }
        return c;
    }
};

// What the engine leaves for the caller: the integral over the region and
// the state where the region ends.
struct RegionEnd {
    double acc;
    bool u_ends_first;
    Chain last;  // at (iR, jR), with the weights taken and prev = last key
};

// Integral over the region: the merged keys up to the last key of the side
// that ends first (u first on ties); the other side's remaining keys are the
// caller's business.  Chains never read past the arrays because the region
// ends on that last key.
template <class P>
RegionEnd merge_region(const P& pol, index_t nu, index_t nv, int threads) {
    const ChainEngine<P> eng{pol};
    const double lu = pol.key_u(nu - 1), lv = pol.key_v(nv - 1);
    const bool u_ends_first = lu <= lv;
    index_t iR = nu, jR = nv;
    if (u_ends_first) {
        jR = count_below([&](index_t j) { return pol.key_v(j); }, nv, lu, false);
    } else {
        iR = count_below([&](index_t i) { return pol.key_u(i); }, nu, lv, true);
    }
    const index_t M = iR + jR;

    const index_t nseg = (M + kSegment - 1) / kSegment;
    const int C = M >= kChainFrom ? kChains : 1;
    const index_t Q = nseg * C;  // chunks
    Scratch<index_t, 4 * kChains + 4> bi(static_cast<std::size_t>(Q + 1));
    Scratch<double, 4 * kChains + 4> bcu(static_cast<std::size_t>(Q + 1));
    Scratch<double, 4 * kChains + 4> bcv(static_cast<std::size_t>(Q + 1));
    Scratch<double, 8> part(static_cast<std::size_t>(nseg));
    const index_t base = M / Q, extra = M % Q;
    auto kpos = [&](index_t q) { return q * base + std::min(q, extra); };

    const int nt = threads > 1 ? threads : 1;
    const bool par = nt > 1 && nseg >= 4;

    // Chunk boundaries and the weights each chunk takes.
    parallel_for(Q + 1, par, nt, [&](index_t q) { bi[q] = corank(pol, nu, nv, kpos(q)); });
    bcu[0] = 0.0;
    bcv[0] = 0.0;
    if constexpr (P::track_weights) {
        parallel_for(Q, par, nt, [&](index_t q) {
            bcu[q + 1] = sum_range([&](index_t i) { return pol.wu(i); }, bi[q], bi[q + 1]);
            bcv[q + 1] = sum_range([&](index_t j) { return pol.wv(j); }, kpos(q) - bi[q], kpos(q + 1) - bi[q + 1]);
        });
        for (index_t q = 0; q < Q; ++q) {
            bcu[q + 1] += bcu[q];
            bcv[q + 1] += bcv[q];
        }
    } else {
        for (index_t q = 1; q <= Q; ++q) bcu[q] = bcv[q] = 0.0;  // unused
    }

    parallel_for(nseg, par, nt, [&](index_t s) {
        Chain ch[kChains];
        for (int c = 0; c < C; ++c) {
            const index_t q = s * C + c;
            const index_t i = bi[q], j = kpos(q) - i;
            ch[c] = eng.start(i, j, bcu[q], bcv[q], kpos(q + 1) - kpos(q));
        }
        // Each chain starts with prev = the key before its chunk, so the
        // chains of all chunks cover every gap exactly once.
        if (C == kChains) {
            eng.template run<kChains>(ch);
        } else {
            eng.template run<1>(ch);
        }
        double a = 0.0;
        for (int c = 0; c < C; ++c) a += ch[c].acc;
        part[s] = a;
    });
    double acc = 0.0;
    for (index_t s = 0; s < nseg; ++s) acc += part[s];
    Chain last = eng.start(iR, jR, bcu[Q], bcv[Q], 0);
    return {acc, u_ends_first, last};
}

// ------------------------------------------------------------- CDF merge
// Keys: the sorted values.  Integrand: term(scaled F_u - F_v) on the gap
// after the last key taken, i.e. with the counts / weights taken so far.
template <class Term, class T, class WU, class WV>
struct CdfPolicy {
    static constexpr bool unit = WU::unit && WV::unit;
    static constexpr bool track_weights = !unit;
    const T* u;
    const T* v;
    WU wu_;
    WV wv_;
    index_t nu, nv;
    double su, sv;  // CDF scales (see header)
    Term term;

    double key_u(index_t i) const { return static_cast<double>(u[i]); }
    double key_v(index_t j) const { return static_cast<double>(v[j]); }
    double wu(index_t i) const { return wu_[i]; }
    double wv(index_t j) const { return wv_[j]; }
    double origin() const { return std::min(key_u(0), key_v(0)); }
    double diff(const Chain& c) const {
        if constexpr (unit) {
            return static_cast<double>(c.i * nv - c.j * nu);  // exact
        } else {
            return c.cu * su - c.cv * sv;
        }
    }
    double integrand(const Chain& c) const { return term(diff(c)); }
};

// sum over the merged gaps of term(scaled CDF difference) * gap.
template <class Term, class T, class WU, class WV>
double cdf_integral(const T* u, WU wu, index_t nu, const T* v, WV wv, index_t nv, double su,
                    double sv, int threads) {
    using Pol = CdfPolicy<Term, T, WU, WV>;
    const Pol pol{u, v, wu, wv, nu, nv, su, sv, Term{}};
    const RegionEnd r = merge_region(pol, nu, nv, threads);
    // The run after the region: one side has all its weight taken.
    Chain t = r.last;
    if (r.u_ends_first) {
        for (; t.j < nv; ++t.j) {
            const double x = pol.key_v(t.j);
            t.acc += pol.integrand(t) * (x - t.prev);
            t.prev = x;
            t.cv += wv[t.j];
        }
    } else {
        for (; t.i < nu; ++t.i) {
            const double x = pol.key_u(t.i);
            t.acc += pol.integrand(t) * (x - t.prev);
            t.prev = x;
            t.cu += wu[t.i];
        }
    }
    return r.acc + t.acc;
}

// ------------------------------------------------------------- quantile merge
// Returns the integral of pw(x - y) over the quantile levels, with levels
// scaled by the same su, sv as the CDF merge (unit: nu * nv; weighted: 1).
template <class Pow, class XU, class WU, class XV, class WV>
double quantile_integral(XU x, WU wu, index_t nu, XV y, WV wv, index_t nv, double su, double sv,
                         Pow pw) {
    double acc = 0.0;
    if constexpr (WU::unit && WV::unit) {
        // Levels (i + 1) * nv and (j + 1) * nu: exact integers.
        index_t i = 0, j = 0;
        index_t lu = nv, lv = nu, prev = 0;
        for (;;) {
            const index_t e = lu < lv ? lu : lv;
            acc += static_cast<double>(e - prev) * pw(x[i] - y[j]);
            prev = e;
            const bool au = lu <= lv, av = lv <= lu;
            i += au;
            j += av;
            lu += au ? nv : 0;
            lv += av ? nu : 0;
            if (i >= nu || j >= nv) break;
        }
    } else {
        index_t i = 0, j = 0;
        double cu = wu[0], cv = wv[0], prev = 0.0;
        for (;;) {
            const double eu = cu * su, ev = cv * sv;
            const double e = ev < eu ? ev : eu;  // minsd
            acc += (e - prev) * pw(x[i] - y[j]);
            prev = e;
            const bool au = eu <= ev, av = ev <= eu;
            i += au;
            j += av;
            if (i >= nu || j >= nv) break;
            // Arithmetic selects (a `?:` here becomes a mispredicted branch).
            cu += static_cast<double>(au) * wu[i];
            cv += static_cast<double>(av) * wv[j];
        }
    }
    return acc;
}

// Sum of pw(u_k - v_k) for two equal-size samples (blocks of kSegment summed
// in block order whatever the thread count).
template <class Pow, class T>
double paired_sum(const T* u, const T* v, index_t n, Pow pw, int threads) {
    const index_t nblk = (n + kSegment - 1) / kSegment;
    Scratch<double, 8> part(static_cast<std::size_t>(nblk));
    const int nt = threads > 1 ? threads : 1;
    parallel_for(nblk, nt > 1 && nblk >= 4, nt, [&](index_t b) {
        const index_t lo = b * kSegment, hi = std::min(n, lo + kSegment);
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        index_t k = lo;
        for (; k + 4 <= hi; k += 4) {
            s0 += pw(static_cast<double>(u[k]) - static_cast<double>(v[k]));
            s1 += pw(static_cast<double>(u[k + 1]) - static_cast<double>(v[k + 1]));
            s2 += pw(static_cast<double>(u[k + 2]) - static_cast<double>(v[k + 2]));
            s3 += pw(static_cast<double>(u[k + 3]) - static_cast<double>(v[k + 3]));
        }
        for (; k < hi; ++k) s0 += pw(static_cast<double>(u[k]) - static_cast<double>(v[k]));
        part[b] = (s0 + s1) + (s2 + s3);
    });
    double acc = 0.0;
    for (index_t b = 0; b < nblk; ++b) acc += part[b];
    return acc;
}

// W_p for p != 1.  The powers are taken of (x - y) / scale, scale an exact
// power of two >= the largest possible |x - y|, so none overflows.
template <class T, class WU, class WV>
double wp_sorted(const T* u, WU wu, index_t nu, double Wu, const T* v, WV wv, index_t nv,
                 double Wv, double p, int threads) {
    const double span = std::max(static_cast<double>(u[nu - 1]) - static_cast<double>(v[0]),
                                 static_cast<double>(v[nv - 1]) - static_cast<double>(u[0]));
    const double scale = pow2_above(span);
    const double inv = 1.0 / scale;
    auto finish = [&](double wpp) {  // wpp: integral of |(x - y) / scale|^p
        if (p == 2.0) return scale * std::sqrt(wpp);
        return scale * std::pow(wpp, 1.0 / p);
    };
    auto with_pow = [&](auto pw) {
        const StridedA<T> x{u, 1}, y{v, 1};
        if constexpr (WU::unit && WV::unit) {
            if (nu == nv) return finish(paired_sum(u, v, nu, pw, threads) / static_cast<double>(nu));
            return finish(quantile_integral(x, wu, nu, y, wv, nv, 0.0, 0.0, pw) /
                          (static_cast<double>(nu) * static_cast<double>(nv)));
        } else {
            return finish(quantile_integral(x, wu, nu, y, wv, nv, 1.0 / Wu, 1.0 / Wv, pw));
        }
    };
    if (p == 2.0) {
        return with_pow([inv](double d) {
            const double s = d * inv;
            return s * s;
        });
    }
    if (p == 3.0) {
        return with_pow([inv](double d) {
            const double s = std::fabs(d * inv);
            return s * s * s;
        });
    }
    return with_pow([inv, p](double d) { return std::pow(std::fabs(d * inv), p); });
}

template <class T, class WU, class WV>
double distance_one(const T* u, WU wu, index_t nu, const T* v, WV wv, index_t nv, double p,
                    bool energy, bool check_order, int threads) {
    if (nu <= 0 || nv <= 0) return kNaN;
    if (!values_ok(u, nu, check_order) || !values_ok(v, nv, check_order)) return kNaN;
    const double Wu = checked_total(wu, nu);
    const double Wv = checked_total(wv, nv);
    if (std::isnan(Wu) || std::isnan(Wv)) return kNaN;
    constexpr bool unit = WU::unit && WV::unit;
    // CDF scales: exact integer differences with unit weights.
    const double su = unit ? static_cast<double>(nv) : 1.0 / Wu;
    const double sv = unit ? static_cast<double>(nu) : 1.0 / Wv;
    const double norm = unit ? 1.0 / (static_cast<double>(nu) * static_cast<double>(nv)) : 1.0;
    if (energy) {
        const double a = cdf_integral<SquareTerm>(u, wu, nu, v, wv, nv, su, sv, threads);
        return std::sqrt(2.0 * a * norm * norm);
    }
    if (!(p >= 1.0) || !(p <= std::numeric_limits<double>::max())) return kNaN;
    if (p == 1.0) {
        if constexpr (unit) {
            if (nu == nv) return paired_sum(u, v, nu, AbsTerm{}, threads) / static_cast<double>(nu);
        }
        return cdf_integral<AbsTerm>(u, wu, nu, v, wv, nv, su, sv, threads) * norm;
    }
    return wp_sorted(u, wu, nu, Wu, v, wv, nv, Wv, p, threads);
}

template <class T, class W>
double dispatch_one(const T* u, const W* uw, index_t nu, const T* v, const W* vw, index_t nv,
                    double p, bool energy, bool check_order, int threads) {
    threads = resolve_threads(threads);
    if (uw && vw) {
        return distance_one(u, PtrW<W>{uw}, nu, v, PtrW<W>{vw}, nv, p, energy, check_order, threads);
    }
    if (uw) return distance_one(u, PtrW<W>{uw}, nu, v, UnitW{}, nv, p, energy, check_order, threads);
    if (vw) return distance_one(u, UnitW{}, nu, v, PtrW<W>{vw}, nv, p, energy, check_order, threads);
    return distance_one(u, UnitW{}, nu, v, UnitW{}, nv, p, energy, check_order, threads);
}

template <class T, class W>
void rows_kernel(const SortedRows<T, W>& u, const SortedRows<T, W>& v, std::int64_t rows, double p,
                 bool energy, bool check_order, double* out, int threads) {
    if (rows <= 0) return;
    const int nt = resolve_threads(threads);
    if (rows == 1) {
        out[0] = dispatch_one(u.values, u.weights, u.n, v.values, v.weights, v.n, p, energy, check_order, nt);
        return;
    }
    const bool par = nt > 1 && rows * (u.n + v.n) >= kParallelWork;
    (void)par;
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt) if (par)
#endif
    for (std::int64_t r = 0; r < rows; ++r) {
        const T* ur = u.values + r * u.value_row_stride;
        const T* vr = v.values + r * v.value_row_stride;
        const W* uwr = u.weights ? u.weights + r * u.weight_row_stride : nullptr;
        const W* vwr = v.weights ? v.weights + r * v.weight_row_stride : nullptr;
        out[r] = dispatch_one(ur, uwr, u.n, vr, vwr, v.n, p, energy, check_order, 1);
    }
}

// ------------------------------------------------------------- histograms
template <class XA, class T>
double hist_one(XA x, StridedA<T> pa, StridedA<T> qa, index_t k, double order) {
    if (k <= 0) return kNaN;
    const double Wp = checked_total(pa, k);
    const double Wq = checked_total(qa, k);
    if (std::isnan(Wp) || std::isnan(Wq)) return kNaN;
    const double sp = 1.0 / Wp, sq = 1.0 / Wq;
    if (order == 1.0) {
        // One fused pass: running cumulative sums, gap widths from x.
        double cp = 0.0, cq = 0.0, acc = 0.0;
        double xi = x[0];
        for (index_t i = 0; i + 1 < k; ++i) {
            cp += pa[i];
            cq += qa[i];
            const double xn = x[i + 1];
            acc += std::fabs(cp * sp - cq * sq) * (xn - xi);
            xi = xn;
        }
        return acc;
    }
    if (!(order >= 1.0) || !(order <= std::numeric_limits<double>::max())) return kNaN;
    const double scale = pow2_above(x[k - 1] - x[0]);
    const double inv = 1.0 / scale;
    double wpp;
    if (order == 2.0) {
        wpp = quantile_integral(x, pa, k, x, qa, k, sp, sq, [inv](double d) {
            const double s = d * inv;
            return s * s;
        });
        return scale * std::sqrt(wpp);
    }
    wpp = quantile_integral(x, pa, k, x, qa, k, sp, sq,
                            [inv, order](double d) { return std::pow(std::fabs(d * inv), order); });
    return scale * std::pow(wpp, 1.0 / order);
}

}  // namespace w1d

// ================================================================ public API

// p-Wasserstein distance W_p (p >= 1) between two sorted samples with
// optional non-negative weights (nullptr: unit weights).  p == 1 matches
// scipy.stats.wasserstein_distance; W_p is the p-th root of the quantile
// integral.  threads <= 0: OpenMP default.  NaN for invalid input: an empty
// sample, a non-finite first or last value, a negative or NaN weight, a
// total weight that is zero, subnormal or infinite, p < 1 or NaN, and (when
// check_order) values that are not non-decreasing.  check_order = false
// skips that O(n) pass for callers that sorted the values themselves; it is
// a promise: the chained merge relies on the order to stay in bounds.
template <class T, class W = double>
double wasserstein_1d_sorted(const T* u, const W* u_weights, std::int64_t nu, const T* v,
                             const W* v_weights, std::int64_t nv, double p, int threads = 1,
                             bool check_order = true) {
    return w1d::dispatch_one(u, u_weights, nu, v, v_weights, nv, p, false, check_order, threads);
}

// Energy distance sqrt(2 int (F_u - F_v)^2 dt) (scipy.stats.energy_distance).
template <class T, class W = double>
double energy_distance_sorted(const T* u, const W* u_weights, std::int64_t nu, const T* v,
                              const W* v_weights, std::int64_t nv, int threads = 1,
                              bool check_order = true) {
    return w1d::dispatch_one(u, u_weights, nu, v, v_weights, nv, 1.0, true, check_order, threads);
}

// Row r of u against row r of v, r < rows, into out[rows]; OpenMP across rows.
template <class T, class W = double>
void wasserstein_1d_rows(const SortedRows<T, W>& u, const SortedRows<T, W>& v, std::int64_t rows,
                         double p, double* out, int threads = 0, bool check_order = true) {
    w1d::rows_kernel(u, v, rows, p, false, check_order, out, threads);
}

template <class T, class W = double>
void energy_distance_rows(const SortedRows<T, W>& u, const SortedRows<T, W>& v, std::int64_t rows,
                          double* out, int threads = 0, bool check_order = true) {
    w1d::rows_kernel(u, v, rows, 1.0, true, check_order, out, threads);
}

// W_order between histogram rows p[r] and q[r] (k bins each, non-negative
// masses normalised here) on the shared sorted support x (x == nullptr:
// 0, 1, ..., k - 1; x_stride in elements; not checked here).  out[rows];
// OpenMP across rows.  NaN for a row with a negative or NaN mass or a
// total that is zero, subnormal or infinite, and for order < 1.
template <class T, class X = double>
void wasserstein_hist_rows(const HistRows<T>& p, const HistRows<T>& q, std::int64_t rows,
                           std::int64_t k, const X* x, std::int64_t x_stride, double order,
                           double* out, int threads = 0) {
    if (rows <= 0) return;
    const int nt = resolve_threads(threads);
    const bool par = nt > 1 && rows > 1 && rows * k >= w1d::kParallelWork;
    (void)par;
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt) if (par)
#endif
    for (std::int64_t r = 0; r < rows; ++r) {
        const w1d::StridedA<T> pa{p.row(r), p.elem_stride};
        const w1d::StridedA<T> qa{q.row(r), q.elem_stride};
        out[r] = x ? w1d::hist_one(w1d::StridedA<X>{x, x_stride}, pa, qa, k, order)
                   : w1d::hist_one(w1d::IotaA{}, pa, qa, k, order);
    }
}

}  // namespace pydiv
