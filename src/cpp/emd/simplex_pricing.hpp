// Pricing of the exact EMD solver (step 1 of a pivot): which arc enters the
// basis.  Plain C++17, no Python; part of network_simplex.hpp.
//
// Invariant: an arc prices out only if its score, the reduced cost plus its
// tolerance (kEmdPriceRelTol in emd_status.hpp), is negative; the search
// returns the most negative score of the first block that has one, and a
// full cycle over all arcs without one proves optimality with respect to
// the current potentials.  The chunked, screened and vectorised paths find
// the same arc as a plain scalar scan (ties included).
//
// Pricing.  Row-major block search; reduced costs are computed per chunk of 64
// arcs into a small buffer (vectorisable), followed by an SSE2 min (scalar
// fallback elsewhere); the argmin is located only when a chunk improves on the
// best so far, so ties resolve exactly as in a plain scalar scan.  Cost
// callables may offer two optional fast paths (detected at compile time):
//   void row(i, j0, len, double* out)          out[k] = C(i, j0 + k)
//   void row_squared(i, j0, len, double* out)  C(i, j0 + k) == sqrt(out[k])
// With row_squared (Euclidean point clouds) an arc can beat the current best
// only if s < T|T| with T = best + u_i - w_j (plus a rigorous rounding slack),
// so square roots are taken only for the few survivors of that screen.
// (DenseCost and PointCloudCost in ground_cost.hpp provide them.  When zero-
// mass nodes are removed the solver reaches the caller's costs through an
// index map, element by element, without these fast paths.)
//
// Measurements (g++ 12 -O3 -DNDEBUG, no -march, 2 shared cores, medians of 7
// in ms; n = m points uniform in the unit square, Euclidean cost; "dense" =
// precomputed matrix via DenseCost, "fly" = PointCloudCost; pivots in
// parentheses; final code):
//
//   block = f sqrt(n m)     uniform weights            random weights (U+0.1)
//   start        f    n=1000        n=2000         n=1000        n=2000
//                     dense  fly    dense  fly     dense  fly    dense  fly
//   artificial  0.25  12.3  20.3    75.2  85.2     20.0  26.8    97.0 110.9
//   artificial  0.5   11.7  19.8    75.0  83.1     16.0  24.7    89.6  96.8
//   artificial  1.0   13.0  22.2    86.3 100.5     16.7  25.5    95.4 105.4
//   artificial  2.0   13.0  22.5    85.5  97.0     20.0  31.3   114.9 128.8
//   row_minimum 0.25  11.3  18.5    69.0  76.0     16.7  25.5    91.8 100.9
//   row_minimum 0.5   11.6  18.5    65.1  76.1     20.0* 33.9*   86.8  95.5
//   row_minimum 1.0   11.2  20.0    67.2  76.5     17.2  25.0    88.9  99.3
//   row_minimum 2.0   12.8  21.2    77.6  92.0     20.9  30.0   113.8 123.6
//   pivots (f = 0.5): artificial 15583 / 34458 / 13785 / 29357,
//                     row_minimum 13845 / 30590 / 12442 / 26649
//   (* noisy run: its minima, 14.6 / 27.6 ms, are the best of the row)
//
// => defaults: row_minimum start (10-20 % fewer pivots than the artificial
// start, faster or equal within noise everywhere), f = 0.5 (flat optimum
// between 0.25 and 1; larger blocks cost more pricing than they save in
// pivots).  History of the optimisations on n = 2000 uniform, fly: plain
// scalar pricing 205-220 ms -> chunked pricing 140 ms -> sqrt screening 79 ms;
// random weights n = 2000: depth-array tree with two subtree walks 112 ms ->
// one fused walk 109 ms -> size/last tree, shift the smaller side 95 ms.
// n = 4000 uniform fly: ~340 ms; n = 500: ~5 ms (time ~ n^2.1-2.3).
// For comparison POT 0.9.7 ot.emd2 on the same problems: ~47-97 ms (n=1000)
// and ~210-265 ms (n=2000) depending on the machine's load.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "emd/simplex_solver.hpp"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define PYDIV_NS_SSE2 1
#endif

namespace pydiv {

namespace ns_detail {

// Does the cost callable offer `row(i, j0, len, out)` (fill out[k] = C(i, j0+k))?
template <class C, class = void>
struct has_row : std::false_type {};
template <class C>
struct has_row<C, std::void_t<decltype(std::declval<const C&>().row(
                      int64_t{}, int64_t{}, int64_t{}, static_cast<double*>(nullptr)))>>
    : std::true_type {};

// Does it offer `row_squared(i, j0, len, out)` with C(i, j) == sqrt(out[k])
// (Euclidean distance)?  Then pricing screens arcs on the squared distance and
// takes square roots only for candidates.
template <class C, class = void>
struct has_row_squared : std::false_type {};
template <class C>
struct has_row_squared<C, std::void_t<decltype(std::declval<const C&>().row_squared(
                              int64_t{}, int64_t{}, int64_t{}, static_cast<double*>(nullptr)))>>
    : std::true_type {};

// Maximum of v[0..len) (-inf if empty).
inline double max_of(const double* v, int64_t len) {
    int64_t k = 0;
#ifdef PYDIV_NS_SSE2
    __m128d m0 = _mm_set1_pd(-std::numeric_limits<double>::infinity()), m1 = m0;
    for (; k + 4 <= len; k += 4) {
        m0 = _mm_max_pd(_mm_loadu_pd(v + k), m0);
        m1 = _mm_max_pd(_mm_loadu_pd(v + k + 2), m1);
    }
    m0 = _mm_max_pd(m0, m1);
    double lo = _mm_cvtsd_f64(m0), hi = _mm_cvtsd_f64(_mm_unpackhi_pd(m0, m0));
    double best = lo > hi ? lo : hi;
#else
    double best = -std::numeric_limits<double>::infinity();
#endif
    for (; k < len; ++k) best = v[k] > best ? v[k] : best;
    return best;
}

// Minimum of v[0..len) (+inf if empty).  NaN entries are ignored.
inline double min_of(const double* v, int64_t len) {
    int64_t k = 0;
#ifdef PYDIV_NS_SSE2
    __m128d m0 = _mm_set1_pd(std::numeric_limits<double>::infinity()), m1 = m0;
    for (; k + 4 <= len; k += 4) {
        m0 = _mm_min_pd(_mm_loadu_pd(v + k), m0);
        m1 = _mm_min_pd(_mm_loadu_pd(v + k + 2), m1);
    }
    m0 = _mm_min_pd(m0, m1);
    double lo = _mm_cvtsd_f64(m0), hi = _mm_cvtsd_f64(_mm_unpackhi_pd(m0, m0));
    double best = lo < hi ? lo : hi;
#else
    double m0 = std::numeric_limits<double>::infinity(), m1 = m0, m2 = m0, m3 = m0;
    for (; k + 4 <= len; k += 4) {
        m0 = v[k] < m0 ? v[k] : m0;
        m1 = v[k + 1] < m1 ? v[k + 1] : m1;
        m2 = v[k + 2] < m2 ? v[k + 2] : m2;
        m3 = v[k + 3] < m3 ? v[k + 3] : m3;
    }
    m0 = m1 < m0 ? m1 : m0;
    m2 = m3 < m2 ? m3 : m2;
    double best = m2 < m0 ? m2 : m0;
#endif
    for (; k < len; ++k) best = v[k] < best ? v[k] : best;
    return best;
}

}  // namespace ns_detail

// Step 1 of a pivot: block search.  Scan arcs in row-major order from the
// cursor, block_ arcs at a time; after each block, if an arc with negative
// reduced cost was seen, return the most negative of that block.  A full cycle
// without candidates proves optimality (w.r.t. the current potentials).
template <bool kSingleComponent, class C>
bool NetworkSimplex::find_entering(C& cost, int64_t& ei, int64_t& ej) {
    const int64_t n = n_, m = m_;
    const double* ru = r_.data();
    const double* ku = km_.data();
    const int64_t total = n * m;
    double best = 0.0;  // the most negative score so far
    int64_t bi = -1, bj = -1;
    int64_t i = cur_i_, j = cur_j_;
    int64_t scanned = 0, left = block_;
    while (scanned < total) {
        int64_t len = std::min(m - j, left);
        len = std::min(len, total - scanned);
        const int64_t jend = j + len;
        const double ri = ru[i];
        const double ari = mag_[i];
        const double ki = ku[i];
        int64_t rowbest = -1;
        // Reduced costs of a chunk go to a buffer (these loops vectorise), then
        // a vectorised min; the index is looked up only if the chunk improves.
        for (int64_t c0 = j; c0 < jend; c0 += kPriceChunk) {
            const int64_t cl = std::min(kPriceChunk, jend - c0);
            if constexpr (ns_detail::has_row_squared<C>::value) {
                price_chunk_screened<kSingleComponent>(cost, i, c0, cl, ri, ari, ki, best, rowbest);
            } else {
                price_chunk<kSingleComponent>(cost, i, c0, cl, ri, ari, ki, best, rowbest);
            }
        }
        if (rowbest >= 0) {
            bi = i;
            bj = rowbest;
        }
        scanned += len;
        left -= len;
        j = jend;
        if (j == m) {
            j = 0;
            if (++i == n) i = 0;
        }
        if (left == 0) {
            if (bi >= 0) break;
            left = block_;
        }
    }
    cur_i_ = i;
    cur_j_ = j;
    if (bi < 0) return false;
    ei = bi;
    ej = bj;
    return true;
}

// Arcs (i, c0) .. (i, c0 + cl - 1) of a cost with row_squared (Euclidean):
// score < best needs rc < best  <=>  sqrt(s) < T := best + ri - rv[j]
// (- dk M).  Test s < U |U| (1 + slack) with U = T + screen_slack_, which is
// implied by the exact test despite rounding; the exact score (as the
// generic path) only for survivors.  Lowers best (and sets rowbest) when an
// arc of the chunk beats it.
template <bool kSingleComponent, class C>
PYDIV_NS_ALWAYS_INLINE void NetworkSimplex::price_chunk_screened(C& cost, int64_t i, int64_t c0,
                                                                 int64_t cl, double ri, double ari,
                                                                 double ki, double& best,
                                                                 int64_t& rowbest) {
    const double* rvc = r_.data() + n_ + c0;
    const double* kvc = km_.data() + n_ + c0;
    const double* mvc = mag_.data() + n_ + c0;
    double* buf = price_buf_;
    cost.row_squared(i, c0, cl, buf);
    double* scr = screen_buf_;
    const double bi0 = best + ri;
    for (int64_t k = 0; k < cl; ++k) {
        double t = bi0 - rvc[k];
        if constexpr (!kSingleComponent) t -= kvc[k] - ki;
        t += screen_slack_;
        scr[k] = t * std::fabs(t) * kScreenRel - buf[k];
    }
    if (!(ns_detail::max_of(scr, cl) > 0.0)) return;
    for (int64_t k = 0; k < cl; ++k) {
        if (!(scr[k] > 0.0)) continue;
        const double c = std::sqrt(buf[k]);
        double rc = (c - ri) + rvc[k];
        if constexpr (!kSingleComponent) rc += kvc[k] - ki;
        const double score = rc + kEmdPriceRelTol * ((c + ari) + mvc[k]);
        if (score < best) {
            best = score;
            rowbest = c0 + k;
        }
    }
}

// Arcs (i, c0) .. (i, c0 + cl - 1) of any other cost: the scores of the chunk
// into the buffer (through row() when the cost has it), then their minimum.
// Lowers best (and sets rowbest to the first arc with that score) when the
// chunk beats it.
template <bool kSingleComponent, class C>
PYDIV_NS_ALWAYS_INLINE void NetworkSimplex::price_chunk(C& cost, int64_t i, int64_t c0, int64_t cl,
                                                        double ri, double ari, double ki,
                                                        double& best, int64_t& rowbest) {
    const double* rvc = r_.data() + n_ + c0;
    const double* kvc = km_.data() + n_ + c0;
    const double* mvc = mag_.data() + n_ + c0;
    double* buf = price_buf_;
    if constexpr (ns_detail::has_row<C>::value) {
        cost.row(i, c0, cl, buf);
    } else {
        for (int64_t k = 0; k < cl; ++k) buf[k] = cost(i, c0 + k);
    }
    // The score: the reduced cost plus its tolerance (see kEmdPriceRelTol).
    if constexpr (kSingleComponent) {
        for (int64_t k = 0; k < cl; ++k) {
            const double c = buf[k];
            buf[k] = ((c - ri) + rvc[k]) + kEmdPriceRelTol * ((std::fabs(c) + ari) + mvc[k]);
        }
    } else {
        for (int64_t k = 0; k < cl; ++k) {
            const double c = buf[k];
            buf[k] = (((c - ri) + rvc[k]) + (kvc[k] - ki)) +
                     kEmdPriceRelTol * ((std::fabs(c) + ari) + mvc[k]);
        }
    }
    const double cmin = ns_detail::min_of(buf, cl);
    if (cmin < best) {
        int64_t k = 0;
        while (!(buf[k] == cmin)) ++k;
        best = cmin;
        rowbest = c0 + k;
    }
}

}  // namespace pydiv
