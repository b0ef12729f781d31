"""Review tests of the exact grid EMD (pydiv.emd_grid, pydiv.emd_grid_batch).

Two kinds of tests:
* defects: each test reproduces one wrong behaviour (the comment above it says
  what is wrong and what is expected) and fails until it is fixed;
* properties (hypothesis): symmetry, the triangle inequality of W1, the
  scaling in the spacing, invariance under transposing or permuting axes,
  agreement with the dense solver, certificates, and the batch being bitwise
  the single calls whatever n_jobs; these pass and stay as regression tests.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import check_grid_certificate, grid_cost_matrix
import pydiv
from pydiv.emd import EmdInfeasibleError

METRICS = ("cityblock", "chebyshev", "sqeuclidean")


def dense_cost(A, B, spacing, metric):
    return pydiv.emd2(np.ravel(A), np.ravel(B), grid_cost_matrix(np.shape(A), spacing, metric))


# ---------------------------------------------------------------- defects


# Totals that agree to a relative 1e-12 (well inside the documented 1e-9) are
# refused with EmdInfeasibleError, whose message speaks of "+inf (forbidden)
# entries of the cost" that a grid does not have.  pydiv.emd2 on the dense
# matrix gives 1.0.  Expected: the cost, as emd2.  (balance() rescales b only
# beyond 1e-9 and the sparse simplex, unlike network_simplex.hpp, does not
# rescale either, so the leftover 1e-12 stays on an artificial arc and
# SparseSimplex::finish calls it infeasible.)
@pytest.mark.parametrize("metric", METRICS)
def test_totals_within_the_documented_tolerance_are_accepted(metric):
    A, B = np.array([1.0, 0.0]), np.array([0.0, 1.0 + 1e-12])
    want = pydiv.emd2(A, B, grid_cost_matrix((2,), 1.0, metric))
    assert pydiv.emd_grid(A, B, metric=metric).cost == pytest.approx(want, rel=1e-9)


# Histograms with exactly equal float64 totals are refused as infeasible when
# they share a large common mass and differ by a tiny one: A = [1, 0, 0],
# B = [1, 0, 1e-20] (sum A == sum B).  The neighbour graphs solve with
# supplies a - b, whose imbalance (1e-20) SparseSimplex::check_input then
# compares with the cancelled supplies (1e-20) instead of the masses (1).
# Expected: a finite cost near the dense one (0 or 2e-20), no error.
@pytest.mark.parametrize("metric", ["cityblock", "chebyshev"])
def test_shared_mass_with_a_tiny_difference_is_not_infeasible(metric):
    A, B = np.array([1.0, 0.0, 0.0]), np.array([1.0, 0.0, 1e-20])
    assert A.sum() == B.sum()
    cost = pydiv.emd_grid(A, B, metric=metric).cost
    assert 0.0 <= cost <= 4e-20


# The same imbalance check hits masses spanning many orders of magnitude: a
# 6 x 6 grid with masses 10**U(-300, 300) and totals equal in float64 is
# refused as infeasible in a few % of draws (emd2 solves them all).
def test_masses_over_many_orders_of_magnitude_are_solved():
    failures = []
    for seed in (3, 7, 26, 49, 70, 99):
        rng = np.random.default_rng(seed)
        for metric in ("cityblock", "chebyshev"):
            A = 10.0 ** rng.uniform(-300, 300, (6, 6))
            B = 10.0 ** rng.uniform(-300, 300, (6, 6))
            B *= A.sum() / B.sum()
            try:
                r = pydiv.emd_grid(A, B, metric=metric)
                assert r.cost == pytest.approx(dense_cost(A, B, 1.0, metric), rel=1e-9)
            except EmdInfeasibleError:
                failures.append((seed, metric))
    assert not failures


# float32 copies of normalised histograms (e.g. stored as float32) have
# float64 totals that differ by ~1e-10, inside the documented 8e-6 for
# float32, yet about one pair in seven is refused as infeasible (same cause
# as above: no rescaling below 1e-9, none in the sparse simplex).
def test_float32_copies_of_normalised_histograms_are_accepted():
    rng = np.random.default_rng(0)
    A, B = rng.random((40, 9, 8)), rng.random((40, 9, 8))
    A = (A / A.sum(axis=(1, 2), keepdims=True)).astype(np.float32)
    B = (B / B.sum(axis=(1, 2), keepdims=True)).astype(np.float32)
    got = pydiv.emd_grid_batch(A, B)
    a, b = A.astype(np.float64), B.astype(np.float64)
    b *= a.sum(axis=(1, 2), keepdims=True) / b.sum(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got, [dense_cost(a[k], b[k], 1.0, "cityblock") for k in range(40)], rtol=1e-9)


# A strongly anisotropic cityblock grid (spacing 1e-8 and 1e8) makes the
# sparse simplex give up with status "invalid_input" and cost NaN on this
# ordinary 3 x 3 pair (about 0.5 % of random pairs; also spacing (1, 1e16)),
# where emd2 on the dense matrix solves it.  Traced: the entering arc is
# 5 -> 2 (cost 1e-8) whose reverse 2 -> 5 is its own tree arc; the
# incrementally updated potentials carry an absolute error of 2**-26 (the
# ulp of the 1e8 they passed through) while the pricing tolerance is relative
# to their current size (about 1e-8: SparseSimplex sets track_mag_ = false),
# so the 2-cycle looks negative (rc = -4.9e-9), find_leaving finds no
# blocking arc and pivot() reports a negative-cost cycle (sparse_simplex.hpp,
# pivot / find_entering).  Expected: the optimum, as emd2.
ANISO_A = np.array([[0.03855534698566494, 0.170972798823696, 0.08609263931102541],
                    [0.22740270634589724, 0.0, 0.21817707551323232],
                    [0.0, 0.21166727718515907, 0.04713215583532504]])
ANISO_B = np.array([[0.07864922050559207, 0.0, 0.0],
                    [0.1315732575309373, 0.03146072680164943, 0.14409074426354787],
                    [0.31126824624052635, 0.0, 0.30295780465774697]])


def test_anisotropic_cityblock_spacing_is_solved():
    spacing = (1e-8, 1e8)
    r = pydiv.emd_grid(ANISO_A, ANISO_B, spacing=spacing)
    assert r.status == "optimal"
    assert r.cost == pytest.approx(dense_cost(ANISO_A, ANISO_B, spacing, "cityblock"), rel=1e-9)


# Whatever the cause, a solve that ends in status "invalid_input" is handed
# back silently as a result with cost NaN (emd_grid) or a NaN in the costs
# (emd_grid_batch): raise_for_statuses (pydiv/emd/result.py) knows only
# infeasible, interrupted and max_iter_reached.  Expected: an exception (or
# at least a warning), never a quiet NaN.
def test_invalid_input_status_is_not_returned_silently():
    spacing = (1e-8, 1e8)
    try:
        r = pydiv.emd_grid(ANISO_A, ANISO_B, spacing=spacing)
    except (ValueError, RuntimeError):
        r = None
    if r is not None:
        assert r.status == "optimal" and np.isfinite(r.cost), (r.status, r.cost)
    try:
        costs = pydiv.emd_grid_batch(ANISO_A[None], ANISO_B[None], spacing=spacing)
    except (ValueError, RuntimeError):
        return
    assert np.isfinite(costs).all(), costs


# A cost that overflows float64 (mass 1e300 moved 1e16) comes back as NaN
# with status "optimal"; emd2 on the dense matrix gives inf.  The Neumaier
# compensation in SparseSimplex::finish computes inf - inf.  Expected: inf
# (as emd2) or a ValueError, never an "optimal" NaN.
@pytest.mark.parametrize("metric, spacing", [("sqeuclidean", 1e8), ("cityblock", 1e9)])
def test_overflowing_cost_is_not_an_optimal_nan(metric, spacing):
    A, B = np.array([1e300, 0.0]), np.array([0.0, 1e300])
    try:
        r = pydiv.emd_grid(A, B, metric=metric, spacing=spacing)
    except ValueError:
        return
    assert not np.isnan(r.cost), (r.status, r.cost)


# A huge spacing on an axis of length 1 (it moves nothing: the cost is 16
# whatever that spacing) passes check_spacing (its largest step, s * (n - 1),
# is 0), but the partite graph squares it: s**2 == inf, and an arc cost of
# inf * 0**2 == NaN makes the solver end in status "invalid_input", handed
# back as cost NaN (grid_graph.hpp, build_partite_graph: s2 * (diff * diff)).
# Expected: 16.0, as cityblock's 4.0 is right for the same input.
@pytest.mark.parametrize("spacing", [(1.0, 1e160), (1.0, 1e300)])
def test_huge_spacing_on_an_axis_of_length_one(spacing):
    A = np.zeros((5, 1))
    A[0, 0] = 1.0
    B = A[::-1].copy()
    assert pydiv.emd_grid(A, B, metric="cityblock", spacing=spacing).cost == 4.0
    assert pydiv.emd_grid(A, B, metric="sqeuclidean", spacing=spacing).cost == 16.0


# A batch whose graph cannot be allocated aborts the whole Python process
# (std::terminate, exit status 134) with n_jobs > 1: a std::bad_alloc leaves
# the OpenMP region of run_tasks (core/task_batch.hpp), which has no
# try/catch.  The single call raises MemoryError cleanly.  Expected: a
# MemoryError (or a ValueError before allocating), the process alive.
def test_batch_allocation_failure_does_not_kill_the_process():
    code = textwrap.dedent("""
        import resource
        import numpy as np
        import pydiv
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
        n = 30000  # 1-D sqeuclidean: a 9e8-arc graph, accepted by graph_size
        A = np.ones((2, n)); B = np.tile(np.linspace(0.5, 1.5, n), (2, 1)); B *= n / B.sum(axis=1, keepdims=True)
        try:
            pydiv.emd_grid_batch(A, B, metric="sqeuclidean", n_jobs=2)
        except (MemoryError, ValueError) as e:
            print("raised", type(e).__name__)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-500:])
    assert "raised" in proc.stdout


# The package docstring of pydiv.grid advertises `pairwise(images,
# metric="emd_grid")`, but pairwise does not know that metric (ValueError:
# unknown metric 'emd_grid').  Expected: the matrix of emd_grid costs.
def test_pairwise_emd_grid_exists_as_documented():
    rng = np.random.default_rng(0)
    images = [x / x.sum() for x in rng.random((3, 4, 4))]
    D = pydiv.pairwise(images, metric="emd_grid")
    assert D[0, 1] == pytest.approx(pydiv.emd_grid(images[0], images[1]).cost, rel=1e-12)


# spacing="1" and spacing=True are accepted silently as 1.0 (np.asarray with
# dtype float64 converts strings and booleans), while masses given as
# booleans are refused; spacing=None gives "spacing must be positive and
# finite, got [nan]", as if the user had passed a NaN.  Expected: TypeError
# naming spacing for a string, a boolean and None (check_spacing,
# pydiv/grid/checks.py).
@pytest.mark.parametrize("spacing", ["1", True, None, ["1", "2"]])
def test_spacing_of_the_wrong_type_is_a_type_error(spacing):
    A = np.array([[1.0, 0.0], [0.0, 0.0]])
    B = np.array([[0.0, 0.0], [0.0, 1.0]])
    with pytest.raises(TypeError, match="spacing"):
        pydiv.emd_grid(A, B, spacing=spacing)


# Totals too large for float64 are refused with "a sums to more than the
# largest float64": the arguments are called A and B here (the message is
# emd's).  Expected: the message names A.
def test_overflowing_total_names_the_argument_A():
    big = np.full((3, 3), 1e308)
    with pytest.raises(ValueError, match=r"\bA\b"):
        pydiv.emd_grid(big, big)


# An empty batch is accepted when both sides have K = 0 (returns shape (0,)),
# but one shared grid against an empty batch (shapes (3, 3) and (0, 3, 3))
# is refused with "B has shape (0, 9) but the batch needs (1, 9)", a shape
# the user never gave: K is computed as max(.., 1) (solve.py).  Expected:
# an empty result, as for two empty batches.
def test_shared_grid_against_an_empty_batch():
    out = pydiv.emd_grid_batch(np.ones((3, 3)), np.zeros((0, 3, 3)))
    assert out.shape == (0,)


# ------------------------------------------------------- properties (pass)


def grid_pair(max_side=(20, 6, 4), zeros=True):
    @st.composite
    def build(draw):
        d = draw(st.integers(1, 3))
        shape = tuple(draw(st.integers(1, max_side[d - 1])) for _ in range(d))
        elems = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
        A = draw(hnp.arrays(np.float64, shape, elements=elems))
        B = draw(hnp.arrays(np.float64, shape, elements=elems))
        if zeros:
            A = A * (draw(hnp.arrays(np.bool_, shape)) | (A > 0.5))
        A.flat[0] += 0.25
        B.flat[-1] += 0.25
        return A / A.sum(), B / B.sum()
    return build()


spacings = st.floats(1e-3, 1e3)


@settings(max_examples=60, deadline=None)
@given(grid_pair(), st.sampled_from(METRICS), spacings)
def test_property_matches_dense_and_is_certified(pair, metric, s):
    A, B = pair
    r = pydiv.emd_grid(A, B, metric=metric, spacing=s)
    assert r.status == "optimal"
    assert r.cost == pytest.approx(dense_cost(A, B, s, metric), rel=1e-9, abs=1e-15 * s * s)
    check_grid_certificate(r, A, B, s)


@settings(max_examples=60, deadline=None)
@given(grid_pair(), st.sampled_from(METRICS))
def test_property_symmetric(pair, metric):
    A, B = pair
    ab = pydiv.emd_grid(A, B, metric=metric).cost
    ba = pydiv.emd_grid(B, A, metric=metric).cost
    assert ab == pytest.approx(ba, rel=1e-9, abs=1e-14)


@settings(max_examples=40, deadline=None)
@given(grid_pair(), st.sampled_from(["cityblock", "chebyshev"]), st.data())
def test_property_triangle_inequality_of_w1(pair, metric, data):
    A, B = pair
    C = data.draw(hnp.arrays(np.float64, A.shape, elements=st.floats(0.0, 1.0)))
    C.flat[A.size // 2] += 0.5
    C = C / C.sum()
    ab, bc, ac = (pydiv.emd_grid(X, Y, metric=metric).cost for X, Y in ((A, B), (B, C), (A, C)))
    assert ac <= ab + bc + 1e-12


@settings(max_examples=40, deadline=None)
@given(grid_pair(), st.sampled_from(METRICS), st.sampled_from([1e-6, 0.5, 3.0, 1e5]))
def test_property_spacing_scales_the_cost(pair, metric, c):
    A, B = pair
    base = pydiv.emd_grid(A, B, metric=metric).cost
    power = 2 if metric == "sqeuclidean" else 1
    scaled = pydiv.emd_grid(A, B, metric=metric, spacing=c).cost
    assert scaled == pytest.approx(c**power * base, rel=1e-9, abs=1e-15 * c**power)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.sampled_from(METRICS), st.data())
def test_property_transposing_a_square_grid(n, metric, data):
    A = data.draw(hnp.arrays(np.float64, (n, n), elements=st.floats(0.0, 1.0))) + np.eye(n) * 0.1
    B = data.draw(hnp.arrays(np.float64, (n, n), elements=st.floats(0.0, 1.0))) + 0.01
    A, B = A / A.sum(), B / B.sum()
    s = data.draw(spacings)
    cost = pydiv.emd_grid(A, B, metric=metric, spacing=s).cost
    assert pydiv.emd_grid(A.T, B.T, metric=metric, spacing=s).cost == pytest.approx(cost, rel=1e-9, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)), st.permutations([0, 1, 2]),
       st.sampled_from(METRICS), st.data())
def test_property_permuting_axes_of_a_volume(shape, perm, metric, data):
    A = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0))) + 0.05
    B = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    B.flat[0] += 0.5
    A, B = A / A.sum(), B / B.sum()
    spacing = [1.0, 1.0, 1.0] if metric == "chebyshev" else [0.5, 2.0, 1.5]
    cost = pydiv.emd_grid(A, B, metric=metric, spacing=spacing).cost
    permuted = pydiv.emd_grid(np.transpose(A, perm), np.transpose(B, perm), metric=metric,
                              spacing=[spacing[p] for p in perm]).cost
    assert permuted == pytest.approx(cost, rel=1e-9, abs=1e-15)


@settings(max_examples=30, deadline=None)
@given(grid_pair(max_side=(12, 5, 3)), st.sampled_from(["cityblock", "chebyshev"]))
def test_property_flow_divergence_is_a_minus_b(pair, metric):
    A, B = pair
    r = pydiv.emd_grid(A, B, metric=metric, return_flow=True)
    div = np.zeros(A.shape)
    for f, o in zip(r.flow, r.offsets):
        inside = tuple(slice(max(0, -k), n - max(0, k)) for k, n in zip(o, A.shape))
        shifted = tuple(slice(max(0, k), n + min(0, k)) for k, n in zip(o, A.shape))
        outside = np.ones(A.shape, bool)
        outside[inside] = False
        assert (f[outside] == 0).all()  # no flow leaves the grid
        div += f
        div[shifted] -= f[inside]
    np.testing.assert_allclose(div, A - B, atol=1e-14)
    steps = np.abs(r.offsets).max(axis=1) if metric == "chebyshev" else np.abs(r.offsets).sum(axis=1)
    assert float(sum(np.abs(f).sum() * s for f, s in zip(r.flow, steps))) == pytest.approx(r.cost, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(grid_pair(max_side=(10, 5, 3)))
def test_property_sqeuclidean_plan(pair):
    A, B = pair
    r = pydiv.emd_grid(A, B, metric="sqeuclidean", return_flow=True)
    P = r.plan()
    np.testing.assert_allclose(P.sum(axis=1), A.ravel(), atol=1e-14)
    np.testing.assert_allclose(P.sum(axis=0), B.ravel(), atol=1e-14)
    assert (r.mass > 0).all()
    M = grid_cost_matrix(A.shape, 1.0, "sqeuclidean")
    assert float((P * M).sum()) == pytest.approx(r.cost, rel=1e-12, abs=1e-15)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(METRICS), st.integers(1, 12), st.data())
def test_property_batch_bitwise_across_n_jobs_and_layouts(metric, K, data):
    shape = data.draw(st.sampled_from([(7,), (4, 5), (3, 2, 3)]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    A = rng.random((K, *shape))
    B = rng.random((K, *shape)) * (rng.random((K, *shape)) < 0.6) + 1e-3
    A /= A.sum(axis=tuple(range(1, A.ndim)), keepdims=True)
    B /= B.sum(axis=tuple(range(1, B.ndim)), keepdims=True)
    ref = np.array([pydiv.emd_grid(A[k], B[k], metric=metric).cost for k in range(K)])
    for n_jobs in (1, 2, 3, -1):
        assert np.array_equal(pydiv.emd_grid_batch(A, B, metric=metric, n_jobs=n_jobs), ref)
    assert np.array_equal(pydiv.emd_grid_batch(np.asfortranarray(A), B, metric=metric), ref)
    view = np.repeat(A, 2, axis=-1)[..., ::2]  # a strided view holding A
    assert not view.flags.c_contiguous
    assert np.array_equal(pydiv.emd_grid_batch(view, B, metric=metric), ref)
    shared = [pydiv.emd_grid(A[0], B[k], metric=metric).cost for k in range(K)]
    assert np.array_equal(pydiv.emd_grid_batch(A[0], B, metric=metric), shared)


@settings(max_examples=30, deadline=None)
@given(grid_pair(max_side=(12, 5, 3)), st.sampled_from(METRICS))
def test_property_documented_gauge_of_the_potentials(pair, metric):
    # v == 0 at the first cell (C order) with B > 0; u == -v for the W1 metrics.
    A, B = pair
    r = pydiv.emd_grid(A, B, metric=metric)
    assert r.v.ravel()[np.flatnonzero(B.ravel() > 0)[0]] == 0.0
    if metric != "sqeuclidean":
        assert np.array_equal(r.u, -r.v)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("shape", [(1,), (1, 1), (1, 1, 1), (1, 6), (6, 1), (1, 1, 5), (2, 2, 2)])
def test_degenerate_shapes_match_dense(metric, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[-1])
    A, B = rng.random(shape), rng.random(shape)
    A, B = A / A.sum(), B / B.sum()
    r = pydiv.emd_grid(A, B, metric=metric)
    assert r.cost == pytest.approx(dense_cost(A, B, 1.0, metric), rel=1e-9, abs=1e-16)
    check_grid_certificate(r, A, B)


@pytest.mark.parametrize("metric", METRICS)
def test_one_empty_side_of_a_volume_is_refused(metric):
    A = np.zeros((2, 2, 2))
    A[0, 0, 0] = 1.0
    with pytest.raises(ValueError, match="B sums to zero"):
        pydiv.emd_grid(A, np.zeros((2, 2, 2)), metric=metric)


def test_interrupt_of_a_long_grid_batch():
    from test_interrupt import run_child

    status, seconds, after = run_child(
        setup="""
        rng = np.random.default_rng(0)
        A = rng.random((6, 160, 160)); B = rng.random((6, 160, 160))
        """,
        long_call="pydiv.emd_grid_batch(A, B, normalize=True, n_jobs=2)",
        next_call="pydiv.emd_grid_batch([[1.0, 0.0]], [[0.0, 1.0]])[0]",
    )
    assert status == "interrupted" and seconds < 2.0
    assert float(after) == 1.0
