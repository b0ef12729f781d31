// Information-theoretic reductions: entropy, cross-entropy, KL and
// Jensen-Shannon divergence, row by row over strided 2-D views.
//
// Algorithm: one fused pass per row accumulates, for the scaled values
// x = sp * p and y = sq * q, the sums A = sum x, B = sum y and the kind's
// term sum S.  The unnormalised identities
//     H(p)      = -S/A + log A                 S = sum x log x
//     H(p, q)   = -S/A + log B                 S = sum x log y
//     KL(p||q)  =  S/A + log(B/A)              S = sum x log(x/y)
// give the normalised result from that single pass.  A row is read again,
// with sp = 1/A and sq = 1/B, only when the pass shows the identity would
// lose digits (the two terms nearly cancel) or the sums left the normal
// range.  Jensen-Shannon has no such identity: it takes a sum pass and a
// term pass, and a third, accurate one when the rows are so close that the
// term pass's rounding would show (info_scalar.hpp explains both).
//
// Rows longer than kBlock are cut into fixed blocks whose partial sums are
// merged in block order, so a result does not depend on the thread count.
#pragma once

#include <cstdint>
#include <limits>

namespace pydiv {

enum class InfoKind : int { entropy = 0, cross_entropy = 1, kl = 2, js = 3 };

// hi + lo += o_hi + o_lo, keeping the rounding error of hi in lo (TwoSum).
inline void add_compensated(double& hi, double& lo, double o_hi, double o_lo) {
    const double t = hi + o_hi;
    const double back = t - hi;
    lo += ((hi - (t - back)) + (o_hi - back)) + o_lo;
    hi = t;
}

// Partial sums of a stretch of one row; merge() is associative so blocks can
// be reduced in any grouping, and the driver always reduces in block order.
struct InfoPartial {
    double s = 0.0;      // sum of the kind's term
    double sum_p = 0.0;  // A
    double sum_q = 0.0;  // B
    // The compensated sum pass's rounding errors: sum_p + sum_p_lo is A to
    // about 1e-32 (Jensen-Shannon's accurate pass needs A / B that well).
    double sum_p_lo = 0.0;
    double sum_q_lo = 0.0;
    double min_p = std::numeric_limits<double>::infinity();
    double min_q = std::numeric_limits<double>::infinity();
    double max_p = 0.0;
    double max_q = 0.0;
    double n_inf = 0.0;  // elements where x > 0 meets y == 0 (KL, cross-entropy)
    double js_big = 0.0; // Jensen-Shannon's fast pass: the part of s from max(x, y) (info_scalar.hpp)
    double s_lo = 0.0;   // the accurate entropy kernel's compensation of s
    double s_diff = 0.0; // the accurate KL kernel: sum of x - y (kl_accurate below)

    void merge(const InfoPartial& o) {
        s += o.s;
        add_compensated(sum_p, sum_p_lo, o.sum_p, o.sum_p_lo);
        add_compensated(sum_q, sum_q_lo, o.sum_q, o.sum_q_lo);
        min_p = min_p < o.min_p ? min_p : o.min_p;
        min_q = min_q < o.min_q ? min_q : o.min_q;
        max_p = max_p > o.max_p ? max_p : o.max_p;
        max_q = max_q > o.max_q ? max_q : o.max_q;
        n_inf += o.n_inf;
        js_big += o.js_big;
        s_lo += o.s_lo;
        s_diff += o.s_diff;
    }
};

// Inner loop over contiguous doubles; one per kind and SIMD level.
using InfoChunkKernel = void (*)(const double* p, const double* q, std::int64_t n, double sp,
                                 double sq, InfoPartial& acc);

struct InfoKernelTable {
    InfoChunkKernel entropy;
    InfoChunkKernel cross_entropy;
    InfoChunkKernel kl;
    InfoChunkKernel js;  // s and js_big only: the sums come from a sum pass
    // Accurate for near-identical rows, and tracks the sums: its (sp, sq) are
    // (rho_hi, rho_lo), q's weight against p as a double-double; it sums the
    // terms of p and rho q (info_scalar.hpp), unscaled.
    InfoChunkKernel js_accurate;
    // Accurate KL (and the KL part of cross-entropy) for rows of any
    // closeness: kl_accurate(p, q, n, rho_hi, rho_lo, acc), with x = p[i]
    // (unscaled) and y = rho q[i], rho = rho_hi + rho_lo any positive weight
    // (best A / B, e.g. from sum_ratio; it needs only be near it):
    //   s      += sum over x > 0, y > 0 of x log(x/y) - (x - y)   (each term >= 0,
    //             to a few ulp: no cancellation however close the rows are),
    //             plus y where x == 0 < y;
    //   s_diff += sum of x - y over those elements (x - y formed exactly);
    //   n_inf  += count of x > 0 == y (KL is +inf);
    //   sum_p, sum_p_lo: A = sum x, compensated; sum_q, sum_q_lo: sum of
    //   rho_hi q[i] (rounded products), compensated; min/max of x and of y.
    // kl_from_accurate() below turns that into KL(p/A || q/B).
    InfoChunkKernel kl_accurate;
    // Accurate entropy: entropy_accurate(p, q unused, n, a_hi, a_lo, acc)
    // with A' = a_hi + a_lo a reference total near A = sum p (a double-double,
    // or a plain sum with a_lo = 0): s + s_lo += sum over p[i] > 0 of
    // p[i] log(A' / p[i]), every term >= 0 when A' >= max p, compensated;
    // sum_p + sum_p_lo = A compensated, min_p/max_p track p.  Then
    // H = (s + s_lo) / A - log(A' / A) (exactly (s + s_lo) / A when A' = A).
    InfoChunkKernel entropy_accurate;
    InfoChunkKernel sums;              // sum/min/max of p and q only
    InfoChunkKernel sums_compensated;  // the same, with sum_p_lo and sum_q_lo
    // Pairwise building blocks (pairwise.hpp), over normalised rows:
    // out[i] = x[i] log x[i] (0 where x[i] == 0)
    void (*xlogx)(const double* x, double* out, std::int64_t n);
    // sum_i (x_i log x_i + y_i log y_i) / 2 - m_i log m_i, m = (x + y) / 2,
    // from precomputed x log x and y log y: the JS divergence of x and y;
    // -sum_i m_i log m_i goes to mixture_entropy.
    double (*js_pair)(const double* x, const double* xlx, const double* y, const double* yly, std::int64_t n,
                      double& mixture_entropy);
    // out[c] = sum_i |a_i - b_i| w_i for the `count` rows b = B + c * ldb
    // (w_i = 1 when w is null): a row against a chunk of rows.
    void (*l1_rows)(const double* a, const double* b, std::int64_t ldb, std::int64_t count, const double* w,
                    std::int64_t n, double* out);
};

// A / B as a double-double rho_hi + rho_lo, from the partials of the
// compensated sum kernel (Jensen-Shannon's accurate pass weighs q by it).
void sum_ratio(const InfoPartial& sums, double& rho_hi, double& rho_lo);

// KL(p/A || q/B) from a kl_accurate partial over a whole row (A = sum p):
// with D = s_diff = A - rho B and t = D / A,
//     A KL = sum x log(x / y) + A log(rho B / A) = s + D + A log(1 - t),
// so KL = s / A + h(t), h(t) = t + log(1 - t) = -(t^2/2 + t^3/3 + ...) <= 0,
// which is negligible when rho is A / B to double-double accuracy and
// small next to s / A whenever rho is close to it.  +inf when n_inf > 0.
double kl_from_accurate(const InfoPartial& a);

// The table for the SIMD level chosen at runtime (cpu_features.hpp).
const InfoKernelTable& info_kernels();

InfoKernelTable info_kernels_baseline();
#if defined(__x86_64__) || defined(_M_X64)
InfoKernelTable info_kernels_avx2();
InfoKernelTable info_kernels_avx512();
#endif

// Strided rows (strides in elements, any sign, 0 for broadcasting): row i
// starts at data + (i / inner_rows) * outer_stride + (i % inner_rows) * row_stride,
// so the rows of an N-d array reduced along a middle axis are read in place;
// inner_rows <= 0 means one block (data + i * row_stride).
template <class T>
struct RowsView {
    const T* data = nullptr;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    std::int64_t row_stride = 0;
    std::int64_t col_stride = 1;
    std::int64_t inner_rows = 0;
    std::int64_t outer_stride = 0;

    const T* row(std::int64_t i) const {
        if (inner_rows <= 0) return data + i * row_stride;
        return data + (i / inner_rows) * outer_stride + (i % inner_rows) * row_stride;
    }
};

// Natural-log results per row into out[rows].  A row whose input is not a
// valid distribution (NaN, negative, +inf, or all zero) gets NaN, which the
// Python layer turns into an error that names the argument; so does a valid
// row of subnormal numbers that one scale factor cannot normalise (the
// caller rescales it exactly by a power of two and asks again).  For entropy, q
// is ignored.  threads <= 0 means the OpenMP default.
template <class T>
void info_rows(InfoKind kind, const RowsView<T>& p, const RowsView<T>& q, double* out,
               int threads);

// The results for the row pairs (p row i[c], q row j[c]), c < count, into
// out[c], each exactly as info_rows would give it for that pair: the
// pairwise matrices recompute through it the entries whose matrix product
// could have lost digits.
template <class T>
void info_pairs(InfoKind kind, const RowsView<T>& p, const RowsView<T>& q, const std::int64_t* i,
                const std::int64_t* j, std::int64_t count, double* out, int threads);

// Raw single-pass partials per row of the values scaled by sp and sq (the
// streaming accumulators' input): out is rows x 4: S, A, B, n_inf, with NaN
// in S for a row holding NaN, a negative or +inf.
template <class T>
void info_partials(InfoKind kind, const RowsView<T>& p, const RowsView<T>& q, double sp, double sq,
                   double* out, int threads);

}  // namespace pydiv
