// Drivers of the sliced Wasserstein kernels (see sliced.hpp): blocks of
// directions over OpenMP threads, per-thread scratch, the Ctrl-C check.
#include "sliced/sliced.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "core/cpu_features.hpp"
#include "sliced/project.hpp"
#include "sliced/radix_sort.hpp"
#include "core/threads.hpp"
#include "wasserstein/wasserstein_1d.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace pydiv {
namespace sliced {
namespace {

// Below this much work (directions * points) one thread does everything.
constexpr std::int64_t kParallelWork = std::int64_t{1} << 15;

int thread_index() {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

// The projection kernel for this CPU (project.hpp).
void project(const double* xt, std::int64_t n_pad, std::int64_t d, const double* theta, std::int64_t dirs,
             double* out) {
#if defined(__x86_64__) || defined(_M_X64)
    static const bool avx2 = simd_level() != SimdLevel::baseline;
    if (avx2) {
        project_block_avx2(xt, n_pad, d, theta, dirs, out);
        return;
    }
#endif
    project_block(xt, n_pad, d, theta, dirs, out);
}

// W_p^p of two sorted rows (weights nullptr: unit).
double wpp_sorted(const double* u, const double* uw, std::int64_t nu, const double* v, const double* vw,
                  std::int64_t nv, double p) {
    const double w = wasserstein_1d_sorted(u, uw, nu, v, vw, nv, p, 1, false);
    if (p == 1.0) return w;
    if (p == 2.0) return w * w;
    return std::pow(w, p);
}

// The directions padded with zero rows to whole blocks of `block`.
std::vector<double> padded_directions(const double* theta, std::int64_t L, std::int64_t d, std::int64_t block) {
    const std::int64_t blocks = (L + block - 1) / block;
    std::vector<double> out(static_cast<std::size_t>(blocks * block * d), 0.0);
    for (std::int64_t i = 0; i < L * d; ++i) out[static_cast<std::size_t>(i)] = theta[i];
    return out;
}

// One cloud, transposed (project.hpp), with its weights.
struct Columns {
    std::vector<double> xt;
    const double* w = nullptr;
    std::int64_t n = 0, n_pad = 0;
};

template <class T>
Columns columns_of(const T* x, const double* w, std::int64_t n, std::int64_t d) {
    Columns c;
    c.n = n;
    c.n_pad = padded(n);
    c.w = w;
    c.xt.resize(static_cast<std::size_t>(d * c.n_pad));
    transpose_cloud(x, n, d, c.xt.data());
    return c;
}

// The sorted projections of one cloud on one block of directions: row k of
// vals (and of wts, when weighted) at offset k * n_pad.
void prepare_block(const Columns& c, std::int64_t d, const double* theta_block, std::int64_t dirs, RadixSorter& sorter,
                   double* vals, double* wts) {
    project(c.xt.data(), c.n_pad, d, theta_block, dirs, vals);
    for (std::int64_t k = 0; k < dirs; ++k) {
        double* row = vals + k * c.n_pad;
        if (c.w) {
            double* wrow = wts + k * c.n_pad;
            for (std::int64_t i = 0; i < c.n; ++i) wrow[i] = c.w[i];
            sorter.sort(row, wrow, c.n);
        } else {
            sorter.sort(row, c.n);
        }
    }
}

// Scratch for one cloud's block.
struct BlockRows {
    std::vector<double> vals, wts;
    BlockRows(const Columns& c, std::int64_t dirs)
        : vals(static_cast<std::size_t>(dirs * c.n_pad)), wts(c.w ? static_cast<std::size_t>(dirs * c.n_pad) : 0) {}
    const double* row(const Columns& c, std::int64_t k) const { return vals.data() + k * c.n_pad; }
    const double* wrow(const Columns& c, std::int64_t k) const {
        return c.w ? wts.data() + k * c.n_pad : nullptr;
    }
};

}  // namespace

template <class T>
Status sliced_wpp(const Cloud<T>& u, const Cloud<T>& v, std::int64_t d, const double* theta, std::int64_t L,
                  double p, double* out, int threads, const StopCheck& stop) {
    if (L <= 0) return Status::ok;
    const Columns cu = columns_of(u.x, u.w, u.n, d);
    const Columns cv = columns_of(v.x, v.w, v.n, d);
    const std::int64_t block = block_directions(std::max(cu.n_pad, cv.n_pad));
    const std::vector<double> th = padded_directions(theta, L, d, block);
    const std::int64_t blocks = (L + block - 1) / block;
    const int nt = resolve_threads(threads);
    const bool par = nt > 1 && blocks > 1 && L * (u.n + v.n) >= kParallelWork;
    std::atomic<bool> stopped{false};
    (void)par;
#if defined(_OPENMP)
#pragma omp parallel num_threads(nt) if (par)
#endif
    {
        RadixSorter sorter;
        BlockRows ru(cu, block), rv(cv, block);
#if defined(_OPENMP)
#pragma omp for schedule(dynamic, 1)
#endif
        for (std::int64_t b = 0; b < blocks; ++b) {
            if (stopped.load(std::memory_order_relaxed)) continue;
            const double* tb = th.data() + b * block * d;
            prepare_block(cu, d, tb, block, sorter, ru.vals.data(), ru.wts.data());
            prepare_block(cv, d, tb, block, sorter, rv.vals.data(), rv.wts.data());
            for (std::int64_t k = 0; k < block && b * block + k < L; ++k) {
                out[b * block + k] = wpp_sorted(ru.row(cu, k), ru.wrow(cu, k), cu.n, rv.row(cv, k),
                                                 rv.wrow(cv, k), cv.n, p);
            }
            if (thread_index() == 0 && stop()) stopped.store(true, std::memory_order_relaxed);
        }
    }
    return stopped.load() ? Status::interrupted : Status::ok;
}

namespace {

// Every cloud of a set, transposed, and the block scratch of all of them.
struct PreparedSet {
    std::vector<Columns> cols;
    std::vector<BlockRows> rows;
};

template <class T>
PreparedSet prepared_set(const CloudSet<T>& s, std::int64_t d) {
    PreparedSet ps;
    ps.cols.reserve(static_cast<std::size_t>(s.count));
    for (std::int64_t c = 0; c < s.count; ++c) {
        const std::int64_t lo = s.offsets[c], hi = s.offsets[c + 1];
        ps.cols.push_back(columns_of(s.x + lo * d, s.w ? s.w + lo : nullptr, hi - lo, d));
    }
    return ps;
}

void allocate_rows(PreparedSet& ps, std::int64_t dirs) {
    ps.rows.reserve(ps.cols.size());
    for (const Columns& c : ps.cols) ps.rows.emplace_back(c, dirs);
}

// The block for a set of clouds: as for one cloud (the largest), and the
// sorted blocks of all clouds together within kSetBlockBytes.
constexpr std::int64_t kSetBlockBytes = std::int64_t{1} << 28;

std::int64_t set_block(const PreparedSet& a, const PreparedSet& b) {
    std::int64_t largest = 0, total = 0;
    for (const PreparedSet* s : {&a, &b}) {
        for (const Columns& c : s->cols) {
            largest = std::max(largest, c.n_pad);
            total += c.n_pad * (c.w ? 2 : 1);
        }
    }
    const std::int64_t fit = kSetBlockBytes / (8 * std::max<std::int64_t>(total, 1)) / kDirTile * kDirTile;
    return std::max(kDirTile, std::min(block_directions(largest), fit));
}

// Projects and sorts every cloud of a set on one block (OpenMP across clouds).
void prepare_set_block(PreparedSet& ps, std::int64_t d, const double* tb, std::int64_t dirs,
                       std::vector<RadixSorter>& sorters, bool par, int nt) {
    const std::int64_t count = static_cast<std::int64_t>(ps.cols.size());
    (void)par;
    (void)nt;
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (par)
#endif
    for (std::int64_t c = 0; c < count; ++c) {
        BlockRows& r = ps.rows[static_cast<std::size_t>(c)];
        prepare_block(ps.cols[static_cast<std::size_t>(c)], d, tb, dirs,
                      sorters[static_cast<std::size_t>(thread_index())], r.vals.data(), r.wts.data());
    }
}

}  // namespace

template <class T>
Status sliced_pairs(const CloudSet<T>& xs, const CloudSet<T>& ys, bool same, std::int64_t d, const double* theta,
                    std::int64_t L, double p, double* out, int threads, const StopCheck& stop) {
    const std::int64_t nx = xs.count, ny = ys.count;
    for (std::int64_t k = 0; k < nx * ny; ++k) out[k] = 0.0;
    if (L <= 0 || nx == 0 || ny == 0) return Status::ok;
    PreparedSet px = prepared_set(xs, d);
    PreparedSet py = same ? PreparedSet{} : prepared_set(ys, d);
    const PreparedSet& qy = same ? px : py;
    const std::int64_t block = set_block(px, py);
    allocate_rows(px, block);
    allocate_rows(py, block);
    const std::vector<double> th = padded_directions(theta, L, d, block);
    const std::int64_t blocks = (L + block - 1) / block;
    const int nt = resolve_threads(threads);
    const std::int64_t points = xs.offsets[nx] + (same ? 0 : ys.offsets[ny]);
    const bool par = nt > 1 && block * points >= kParallelWork;
    std::vector<RadixSorter> sorters(static_cast<std::size_t>(nt));
    (void)par;
    for (std::int64_t b = 0; b < blocks; ++b) {
        const double* tb = th.data() + b * block * d;
        prepare_set_block(px, d, tb, block, sorters, par, nt);
        if (!same) prepare_set_block(py, d, tb, block, sorters, par, nt);
        const std::int64_t kmax = std::min(block, L - b * block);
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (par)
#endif
        for (std::int64_t i = 0; i < nx; ++i) {
            const Columns& ci = px.cols[static_cast<std::size_t>(i)];
            const BlockRows& ri = px.rows[static_cast<std::size_t>(i)];
            for (std::int64_t j = same ? i + 1 : 0; j < ny; ++j) {
                const Columns& cj = qy.cols[static_cast<std::size_t>(j)];
                const BlockRows& rj = qy.rows[static_cast<std::size_t>(j)];
                double acc = 0.0;
                for (std::int64_t k = 0; k < kmax; ++k) {
                    acc += wpp_sorted(ri.row(ci, k), ri.wrow(ci, k), ci.n, rj.row(cj, k), rj.wrow(cj, k), cj.n, p);
                }
                out[i * ny + j] += acc;
            }
        }
        if (stop()) return Status::interrupted;
    }
    if (same) {
        for (std::int64_t i = 0; i < nx; ++i)
            for (std::int64_t j = i + 1; j < nx; ++j) out[j * nx + i] = out[i * nx + j];
    }
    return Status::ok;
}

template Status sliced_wpp<double>(const Cloud<double>&, const Cloud<double>&, std::int64_t, const double*,
                                   std::int64_t, double, double*, int, const StopCheck&);
template Status sliced_wpp<float>(const Cloud<float>&, const Cloud<float>&, std::int64_t, const double*,
                                  std::int64_t, double, double*, int, const StopCheck&);
template Status sliced_pairs<double>(const CloudSet<double>&, const CloudSet<double>&, bool, std::int64_t,
                                     const double*, std::int64_t, double, double*, int, const StopCheck&);
template Status sliced_pairs<float>(const CloudSet<float>&, const CloudSet<float>&, bool, std::int64_t,
                                    const double*, std::int64_t, double, double*, int, const StopCheck&);

}  // namespace sliced
}  // namespace pydiv
