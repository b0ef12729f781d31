// Sorting of the projected values: an LSD radix sort of float64 keys, with
// an optional weight carried along.
//
// Algorithm: each double maps to an unsigned 64-bit key that orders like
// the value (flip all bits of a negative number, set the sign bit of a
// non-negative one; NaN never reaches here).  Six stable counting passes
// over 11-bit digits (the last one 9 bits) sort the keys; the six digit
// histograms come from one pass over the data, and a pass whose digit is
// the same for every key (common in the high bits) is skipped.  Without
// weights the three high passes come first and an insertion pass finishes
// the order: keys that share their top 33 bits (a relative spacing of
// 2^-21) are rare unless the values crowd, and when the insertion pass
// exceeds its budget of moves all six passes run (LSD radix sorts keys in
// any order).  The values are written back as doubles.
// Invariants: after LSD passes over digits t0..t the keys are sorted by
// those digits, ties in the previous order (stability makes passes compose);
// the insertion pass keeps a sorted prefix and the keys a permutation.  The
// output is the multiset of the input values in non-decreasing order, and
// each weight stays with its value; -0.0 sorts just before +0.0 (equal
// values, so every distance is unaffected).
// Cost: O(n) time, n keys of scratch; below kRadixFrom values std::sort is
// faster than the histogram set-up (and takes over beyond 2^32 - 1 values).
// Reference: P. M. McIlroy, K. Bostic, M. D. McIlroy, "Engineering radix
// sort", Computing Systems 6 (1993); M. Herf, "Radix tricks" (2001), for the
// float key map and the 11-bit digits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace pydiv {
namespace sliced {

constexpr int kRadixBits = 11;
constexpr int kRadixPasses = 6;
constexpr std::uint32_t kRadixBuckets = 1u << kRadixBits;
constexpr std::int64_t kRadixFrom = 96;
// Unweighted sorts first order by the top digits kHighPasses.. (33 bits:
// sign, exponent and 21 bits of mantissa) and finish with an insertion pass
// of at most kInsertionMoves moves per key.
constexpr int kHighPasses = 3;
constexpr std::int64_t kInsertionMoves = 4;
// The histograms count in 32 bits.
constexpr std::int64_t kRadixUpTo = std::int64_t{0xFFFFFFFF};

inline std::uint64_t sort_key(double x) {
    std::uint64_t u;
    std::memcpy(&u, &x, sizeof u);
    const std::uint64_t sign = u >> 63;
    return u ^ ((0 - sign) | (std::uint64_t{1} << 63));
}

inline double key_value(std::uint64_t k) {
    const std::uint64_t sign = k >> 63;  // set for non-negative values
    const std::uint64_t u = k ^ ((sign - 1) | (std::uint64_t{1} << 63));
    double x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

// A key and the weight that travels with it.
struct KeyWeight {
    std::uint64_t key;
    double weight;
};

// Reusable scratch of one thread: keys (or key-weight pairs) and histograms.
class RadixSorter {
public:
    // Sorts values[0, n) in place.
    void sort(double* values, std::int64_t n) {
        if (n < kRadixFrom || n > kRadixUpTo) {
            std::sort(values, values + n);
            return;
        }
        keys_.resize(2 * static_cast<std::size_t>(n));
        std::uint64_t* a = keys_.data();
        std::uint64_t* b = a + n;
        for (std::int64_t i = 0; i < n; ++i) a[i] = sort_key(values[i]);
        const auto key_of = [](std::uint64_t k) { return k; };
        count(a, n, key_of, kHighPasses);
        // The high digits first: keys in order of their top bits, which an
        // insertion pass finishes when few keys share them (the usual case).
        for (int t = kHighPasses; t < kRadixPasses; ++t) {
            if (trivial(t, n)) continue;
            scatter(a, b, n, t, key_of);
            std::swap(a, b);
        }
        if (!finish_by_insertion(a, n)) {
            // Many keys share their top bits: all passes (LSD sorts any order).
            count(a, n, key_of);
            for (int t = 0; t < kRadixPasses; ++t) {
                if (trivial(t, n)) continue;
                scatter(a, b, n, t, key_of);
                std::swap(a, b);
            }
        }
        for (std::int64_t i = 0; i < n; ++i) values[i] = key_value(a[i]);
    }

    // Sorts values[0, n) in place, permuting weights[0, n) along.
    void sort(double* values, double* weights, std::int64_t n) {
        pairs_.resize(2 * static_cast<std::size_t>(n));
        KeyWeight* a = pairs_.data();
        KeyWeight* b = a + n;
        for (std::int64_t i = 0; i < n; ++i) a[i] = {sort_key(values[i]), weights[i]};
        if (n < kRadixFrom || n > kRadixUpTo) {
            std::stable_sort(a, a + n, [](const KeyWeight& x, const KeyWeight& y) { return x.key < y.key; });
        } else {
            const auto key_of = [](const KeyWeight& kw) { return kw.key; };
            count(a, n, key_of);
            for (int t = 0; t < kRadixPasses; ++t) {
                if (trivial(t, n)) continue;
                scatter(a, b, n, t, key_of);
                std::swap(a, b);
            }
        }
        for (std::int64_t i = 0; i < n; ++i) {
            values[i] = key_value(a[i].key);
            weights[i] = a[i].weight;
        }
    }

private:
    // Insertion sort of keys already in order of their high digits, given up
    // (false, the keys still a permutation) after kInsertionMoves * n moves.
    static bool finish_by_insertion(std::uint64_t* a, std::int64_t n) {
        std::int64_t budget = kInsertionMoves * n;
        for (std::int64_t i = 1; i < n; ++i) {
            const std::uint64_t k = a[i];
            std::int64_t j = i;
            while (j > 0 && a[j - 1] > k) {
                a[j] = a[j - 1];
                --j;
                if (--budget < 0) {
                    a[j] = k;
                    return false;
                }
            }
            a[j] = k;
        }
        return true;
    }

    static std::uint32_t digit(std::uint64_t k, int t) {
        return static_cast<std::uint32_t>(k >> (kRadixBits * t)) & (kRadixBuckets - 1);
    }

    // The histograms of digits first.. in one pass.
    template <class E, class KeyOf>
    void count(const E* a, std::int64_t n, KeyOf key_of, int first = 0) {
        hist_.assign(static_cast<std::size_t>(kRadixPasses) * kRadixBuckets, 0);
        std::uint32_t* h = hist_.data();
        for (std::int64_t i = 0; i < n; ++i) {
            const std::uint64_t k = key_of(a[i]);
            for (int t = first; t < kRadixPasses; ++t) ++h[t * kRadixBuckets + digit(k, t)];
        }
    }

    // Whether every key has the same digit t (the pass would copy).
    bool trivial(int t, std::int64_t n) const {
        const std::uint32_t* h = hist_.data() + t * kRadixBuckets;
        for (std::uint32_t c = 0; c < kRadixBuckets; ++c) {
            if (h[c] != 0) return h[c] == static_cast<std::uint32_t>(n);
        }
        return true;
    }

    template <class E, class KeyOf>
    void scatter(const E* src, E* dst, std::int64_t n, int t, KeyOf key_of) {
        std::uint32_t* h = hist_.data() + t * kRadixBuckets;
        std::uint32_t sum = 0;
        for (std::uint32_t c = 0; c < kRadixBuckets; ++c) {  // counts -> starting offsets
            const std::uint32_t cnt = h[c];
            h[c] = sum;
            sum += cnt;
        }
        for (std::int64_t i = 0; i < n; ++i) dst[h[digit(key_of(src[i]), t)]++] = src[i];
    }

    std::vector<std::uint64_t> keys_;
    std::vector<KeyWeight> pairs_;
    std::vector<std::uint32_t> hist_;
};

}  // namespace sliced
}  // namespace pydiv
