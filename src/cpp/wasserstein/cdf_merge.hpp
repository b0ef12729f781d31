// The CDF merge of two sorted samples (W_1 and the energy distance), run as
// interleaved chains over merge-path segments.  Plain C++17, no Python.
//
// Both distances integrate a function of the difference of the two CDFs,
// which are step functions that only change at the points of the two
// supports:
//     W_1 = int |F_u - F_v| dt,      E = sqrt(2 int (F_u - F_v)^2 dt).
// One linear merge of the two sorted supports visits the merged points
// t_0 <= t_1 <= ... (u before v on ties) and adds, per gap,
// term(F_u(t_k) - F_v(t_k)) * (t_{k+1} - t_k).
//
// Merge invariant: when a chain has taken the merged points t_0..t_{k-1},
// i and j count the points taken from u and from v, cu and cv are their
// weight sums (so cu / Wu = F_u(t_{k-1})), prev = t_{k-1}, and acc holds
// the integral over [t_0, t_{k-1}].  Taking t_k adds
// term(cu * su - cv * sv) * (t_k - prev), since both CDFs are constant on
// [t_{k-1}, t_k).
// The CDF difference is kept scaled: with unit weights su = nv, sv = nu,
// so D = i * nv - j * nu is an exact integer and the result is divided by
// nu * nv once; with weights su = 1 / Wu, sv = 1 / Wv.
//
// Speed: a merge step is one data-dependent select, done without a branch
// (the compare feeds a select and the index increments), so the loop is
// bound by the latency of "index -> load -> compare -> index".  To hide it
// the merged sequence is cut at fixed merge-path positions (co-rank found
// by binary search; Odeh, Green, Mwassi, Shmueli and Birk, "Merge Path",
// 2012) into chunks that run as independent interleaved chains (kChains per
// segment).  Chains never read past the arrays because the merged region
// they cover ends at the last point of the array that ends first (this
// relies on the order, which the public functions verify unless the caller
// promises it); the rest of the other array is a plain run done afterwards.
// Long merges are cut into fixed segments that may run on several threads;
// partial sums are added in segment order, so the result does not depend
// on the thread count.
#pragma once

#include <algorithm>
#include <cstddef>

#include "wasserstein/w1d_support.hpp"

namespace pydiv {
namespace w1d {

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

}  // namespace w1d
}  // namespace pydiv
