"""Every public function against a table of bad and odd inputs.

The table is documentation: one row per input, with the call, and either the
exception (type and a fragment of its message) it must raise, or, for inputs
that are valid however odd they look, the value it must return.  A value row
whose expectation is a callable compares with that callable's result (the same
data as a plain contiguous array, or a reference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import pydiv
from pydiv import EmdInfeasibleError
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence

try:
    import dask.array  # noqa: F401

    import pydiv.dask

    HAVE_DASK = True
except ImportError:  # pragma: no cover - the optional extra
    HAVE_DASK = False

nan, inf = math.nan, math.inf
LN2 = math.log(2.0)

H, CE, KL, JS, JSD = pydiv.entropy, pydiv.cross_entropy, pydiv.kl_divergence, pydiv.js_divergence, pydiv.jensenshannon
W, E, WH = pydiv.wasserstein_1d, pydiv.energy_distance, pydiv.wasserstein_hist
EMD, EMD2, WND, PW = pydiv.emd, pydiv.emd2, pydiv.wasserstein_nd, pydiv.pairwise


def dask_pairwise(*args: Any, **kwargs: Any) -> Any:
    """pydiv.dask.pairwise computed at once on the synchronous scheduler."""
    return pydiv.dask.pairwise(*args, **kwargs).compute(scheduler="sync")


@dataclass
class Row:
    what: str  # the function, and what is odd about the input
    call: Callable[[], Any]
    expect: Any  # an exception type, a value, or a callable giving the value
    match: str | None = None  # fragment of the exception message
    needs: str | None = None  # an optional dependency


def bad(what: str, call: Callable[[], Any], exc: type[BaseException], match: str, needs: str | None = None) -> Row:
    return Row(what, call, exc, match, needs)


def ok(what: str, call: Callable[[], Any], value: Any, needs: str | None = None) -> Row:
    return Row(what, call, value, None, needs)


# ---------------------------------------------------------------- inputs

RNG = np.random.default_rng(404)
P4 = np.array([0.1, 0.2, 0.3, 0.4])
Q4 = np.array([0.4, 0.3, 0.2, 0.1])
BIG = RNG.random((6, 10)) + 0.05  # a parent array for strided views
READ_ONLY = BIG.copy()
READ_ONLY.setflags(write=False)
SAMPLES = RNG.normal(size=40)
COST = np.abs(np.subtract.outer(np.arange(4.0), np.arange(5.0)))  # |i - j|, 4 x 5
A4, B5 = np.full(4, 0.25), np.full(5, 0.2)
CLOUDS = [RNG.random((3, 2)), RNG.random((4, 2)), RNG.random((2, 2))]
X34 = RNG.random((3, 4)) + 0.1
# Mass that cannot move: rows 0-1 (mass 0.6) may only reach column 0 (mass 0.5).
BLOCKED = np.array([[0.0, inf], [0.0, inf], [1.0, 1.0]])
MASKED = np.ma.array([1.0, 2.0, 3.0], mask=[0, 1, 0])  # scipy's entropy of it is 0.5623, of the data 1.0114
# Zero-stride broadcasts: no memory, but more than 2**31 elements to reduce.
N31 = 2**31 + 7
N32 = 2**32 + 3


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


def _strided_stream() -> Any:
    acc = Entropy()
    for chunk in (BIG[0, ::3], BIG[0, 1::3], BIG[0, 2::3]):
        acc.update(chunk)
    return acc.result()


TABLE: list[Row] = [
    # ---- entropy and the divergences: distributions --------------------------------
    bad("entropy: a negative entry", lambda: H([0.5, -0.5, 1.0]), ValueError, "p has negative entries"),
    bad("entropy: NaN", lambda: H([0.5, nan]), ValueError, "p contains NaN"),
    bad("entropy: +inf", lambda: H([0.5, inf]), ValueError, "p contains infinite values"),
    bad("entropy: -inf", lambda: H([0.5, -inf]), ValueError, "p contains infinite values"),
    bad("entropy: all zero", lambda: H([0.0, 0.0, 0.0]), ValueError, "p sums to zero"),
    bad("entropy: one all-zero row of a batch", lambda: H([[1.0, 1.0], [0.0, 0.0]]), ValueError,
        "p sums to zero along axis 1"),
    bad("entropy: empty", lambda: H([]), ValueError, "must not be empty along axis 0"),
    bad("entropy: 0-d scalar", lambda: H(0.5), ValueError, "at least one dimension"),
    bad("entropy: object dtype", lambda: H(np.array([0.5, 0.5], dtype=object)), TypeError,
        "p must be a numeric array-like, got dtype object"),
    bad("entropy: strings", lambda: H(["0.5", "0.5"]), TypeError, "p must be a numeric array-like, got dtype <U3"),
    bad("entropy: None", lambda: H(None), TypeError, "p must be a numeric array-like"),
    bad("entropy: ragged nested list", lambda: H([[1.0, 2.0], [3.0]]), TypeError, "p must be a numeric array-like"),
    bad("entropy: complex", lambda: H([0.5 + 0j, 0.5]), TypeError, "p must hold real numbers, got complex"),
    bad("entropy: booleans", lambda: H([True, False]), TypeError, "not booleans"),
    bad("entropy: datetime64", lambda: H(np.array(["2024-01-01"], dtype="datetime64[D]")), TypeError,
        "got dtype datetime64"),
    bad("entropy: axis out of range", lambda: H(np.ones((2, 3)), axis=2), ValueError,
        "axis 2 is out of bounds for an array of dimension 2"),
    bad("entropy: negative axis out of range", lambda: H(np.ones((2, 3)), axis=-3), ValueError,
        "axis -3 is out of bounds"),
    bad("entropy: float axis", lambda: H(np.ones(3), axis=0.0), TypeError, "axis must be an integer"),
    bad("entropy: base 0", lambda: H(P4, base=0), ValueError, "base must be a positive finite number other than 1"),
    bad("entropy: base 1", lambda: H(P4, base=1), ValueError, "base must be a positive finite number other than 1"),
    bad("entropy: negative base", lambda: H(P4, base=-2), ValueError, "base must be a positive"),
    bad("entropy: NaN base", lambda: H(P4, base=nan), ValueError, "base must be a positive"),
    bad("entropy: infinite base", lambda: H(P4, base=inf), ValueError, "base must be a positive"),
    bad("entropy: an int base beyond the float range", lambda: H(P4, base=10**400), ValueError,
        "base must be a positive finite number"),
    bad("entropy: string base", lambda: H(P4, base="2"), TypeError, "base must be a positive real number"),
    bad("entropy: complex base", lambda: H(P4, base=2j), TypeError, "base must be a positive real number"),
    ok("entropy: float16 is widened", lambda: H(np.array([1, 1], dtype=np.float16)), LN2),
    ok("entropy: uint8 counts", lambda: H(np.array([3, 3, 0], dtype=np.uint8), base=2), 1.0),
    ok("entropy: subnormal entries are normalised exactly", lambda: H([5e-324, 5e-324]), LN2),
    ok("entropy: entries near the float maximum", lambda: H([1e308, 1e308, 1e308]), math.log(3.0)),
    ok("entropy: read-only array", lambda: H(READ_ONLY), lambda: H(READ_ONLY.copy())),
    ok("entropy: non-contiguous column view, axis 0", lambda: H(BIG[:, ::3], axis=0),
       lambda: H(np.ascontiguousarray(BIG[:, ::3]), axis=0)),
    ok("entropy: 2**32 + 3 equal float32 masses (zero-stride broadcast, no 32-bit wrap)",
       lambda: H(np.broadcast_to(np.float32(1.0), (N32,))), math.log(N32)),
    ok("entropy: (2**16 + 1) x (2**15 + 1) broadcast reduced along axis 0: 2**31 + ... elements",
       lambda: H(np.broadcast_to(1.0, (2**16 + 1, 2**15 + 1)), axis=0)[[0, -1]],
       np.full(2, math.log(2**16 + 1))),
    ok("kl_divergence: 2**31 + 7 equal masses against themselves", lambda: KL(*[np.broadcast_to(2.0, (N31,))] * 2),
       0.0),
    bad("kl_divergence: q negative", lambda: KL(P4, -Q4), ValueError, "q has negative entries"),
    bad("kl_divergence: q all zero", lambda: KL(P4, np.zeros(4)), ValueError, "q sums to zero"),
    bad("kl_divergence: lengths 4 and 3", lambda: KL(P4, Q4[:3]), ValueError,
        r"shapes \(4,\) and \(3,\), which do not broadcast"),
    bad("kl_divergence: shapes (2, 3) and (3, 3)", lambda: KL(np.ones((2, 3)), np.ones((3, 3))), ValueError,
        "do not broadcast"),
    bad("kl_divergence: q of strings", lambda: KL(P4, list("abcd")), TypeError, "q must be a numeric array-like"),
    ok("kl_divergence: p > 0 where q = 0 is +inf", lambda: KL([0.5, 0.5], [1.0, 0.0]), inf),
    ok("kl_divergence: a 0-d q broadcasts to a uniform distribution", lambda: KL([1.0, 3.0], 7.0),
       lambda: KL([1.0, 3.0], [1.0, 1.0])),
    ok("kl_divergence: 3-d p against 1-d q, axis 1", lambda: KL(np.ones((2, 3, 4)), np.ones((3, 1)), axis=1),
       np.zeros((2, 4))),
    ok("kl_divergence: Fortran-ordered float32, axis 0",
       lambda: KL(np.asfortranarray(BIG.astype(np.float32)), BIG[::-1].astype(np.float32), axis=0),
       lambda: KL(BIG.astype(np.float32).astype(np.float64), BIG[::-1].astype(np.float32).astype(np.float64),
                  axis=0)),
    bad("cross_entropy: q NaN", lambda: CE(P4, [nan, 1, 1, 1]), ValueError, "q contains NaN"),
    bad("cross_entropy: q -inf", lambda: CE(P4, [-inf, 1, 1, 1]), ValueError, "q contains infinite values"),
    ok("cross_entropy: q = 0 only where p = 0", lambda: CE([0.0, 1.0], [0.0, 1.0]), 0.0),
    bad("js_divergence: p complex", lambda: JS([1j, 1], Q4[:2]), TypeError, "p must hold real numbers"),
    bad("js_divergence: p booleans", lambda: JS(np.array([True, True]), Q4[:2]), TypeError, "not booleans"),
    bad("js_divergence: keepdims with axis out of range", lambda: JS(P4, Q4, axis=1, keepdims=True), ValueError,
        "axis 1 is out of bounds"),
    ok("js_divergence: disjoint supports give log 2", lambda: JS([1.0, 0.0], [0.0, 1.0]), LN2),
    ok("js_divergence: reversed view equals a copy", lambda: JS(BIG[::-1, ::-2], BIG[2, ::2]),
       lambda: JS(BIG[::-1, ::-2].copy(), BIG[2, ::2].copy())),
    bad("jensenshannon: base NaN", lambda: JSD(P4, Q4, base=nan), ValueError, "base must be a positive"),
    ok("jensenshannon: base 2, disjoint supports", lambda: JSD([1.0, 0.0], [0.0, 1.0], base=2), 1.0),
    # ---- pydiv.stream --------------------------------------------------------------
    bad("stream.Entropy: negative chunk", lambda: Entropy().update([1.0, -1.0]), ValueError,
        "p_chunk has negative entries"),
    bad("stream.KLDivergence: NaN in q_chunk", lambda: KLDivergence().update(P4, [nan, 1, 1, 1]), ValueError,
        "q_chunk contains NaN"),
    bad("stream.CrossEntropy: chunks that do not broadcast", lambda: CrossEntropy().update(P4, Q4[:3]), ValueError,
        "p_chunk and q_chunk have shapes"),
    bad("stream.Entropy: 0-d chunk", lambda: Entropy().update(1.0), ValueError, "at least one dimension"),
    bad("stream.Entropy: complex chunk", lambda: Entropy().update([1j]), TypeError, "p_chunk must hold real numbers"),
    bad("stream.Entropy: axis out of range", lambda: Entropy(axis=1).update(P4), ValueError,
        "axis 1 is out of bounds"),
    bad("stream.Entropy: all chunks zero", lambda: Entropy().update([0.0]).update([0.0, 0.0]).result(), ValueError,
        "p sums to zero over all chunks"),
    bad("stream.Entropy: base 1", lambda: Entropy().update(P4).result(base=1), ValueError, "base must be a positive"),
    bad("stream.JSDivergence: p_total 0", lambda: JSDivergence(p_total=0, q_total=1), ValueError,
        "p_total must be a positive finite number"),
    bad("stream.JSDivergence: q_total an int beyond the float range", lambda: JSDivergence(p_total=1, q_total=10**400),
        ValueError, "q_total must be a positive finite number"),
    ok("stream.Entropy: sums beyond the float range (kept in scaled units)",
       lambda: Entropy().update([1e308, 1e308]).result(), LN2),
    ok("stream.KLDivergence: totals beyond the float range across chunks",
       lambda: KLDivergence().update([1e308], [1.0]).update([1e308], [1.0]).result(), 0.0),
    ok("stream.Entropy: subnormal chunks", lambda: Entropy().update([5e-324]).update([5e-324]).result(), LN2),
    bad("stream.JSDivergence: totals far too small overflow the scaled chunk",
        lambda: JSDivergence(p_total=1e-300, q_total=1).update([1e300], [1.0]), ValueError, "overflow float64"),
    ok("stream.Entropy: an empty chunk adds nothing", lambda: Entropy().update([]).update([1.0, 1.0]).result(), LN2),
    ok("stream.Entropy: strided chunks", _strided_stream, lambda: H(BIG[0, np.r_[0:10:3, 1:10:3, 2:10:3]])),
    # ---- wasserstein_1d / energy_distance / wasserstein_hist ----------------------------
    bad("wasserstein_1d: empty u", lambda: W([], [1.0]), ValueError, "u_values must not be empty"),
    bad("wasserstein_1d: NaN value", lambda: W([0.0, nan], [1.0]), ValueError, "u_values contains NaN"),
    bad("wasserstein_1d: -inf value", lambda: W([0.0], [-inf]), ValueError, "v_values contains infinite values"),
    bad("wasserstein_1d: 0-d values", lambda: W(1.0, [1.0]), ValueError, "u_values must be 1-D"),
    bad("wasserstein_1d: 3-d values", lambda: W(np.ones((2, 2, 2)), [1.0]), ValueError,
        "u_values must be 1-D .* or 2-D .*, got 3-D"),
    bad("wasserstein_1d: object values", lambda: W(np.array([1.0], dtype=object), [1.0]), TypeError,
        "u_values must be a numeric array-like"),
    bad("wasserstein_1d: boolean weights", lambda: W([0.0, 1.0], [1.0], [True, True]), TypeError,
        "u_weights must hold real numbers"),
    bad("wasserstein_1d: negative weight", lambda: W([0.0, 1.0], [1.0], [1.0, -1.0]), ValueError,
        "u_weights has negative entries"),
    bad("wasserstein_1d: all-zero weights", lambda: W([0.0, 1.0], [1.0], None, [0.0]), ValueError,
        "v_weights sums to zero"),
    bad("wasserstein_1d: 3 weights for 2 values", lambda: W([0.0, 1.0], [1.0], [1.0, 1.0, 1.0]), ValueError,
        r"u_weights has shape \(3,\) but u_values has shape \(2,\)"),
    bad("wasserstein_1d: 2 and 3 rows", lambda: W(np.ones((2, 3)), np.ones((3, 3))), ValueError, "2 and 3 rows"),
    bad("wasserstein_1d: p < 1", lambda: W([0.0], [1.0], p=0.5), ValueError, "p must be a finite number >= 1"),
    bad("wasserstein_1d: p NaN", lambda: W([0.0], [1.0], p=nan), ValueError, "p must be a finite number >= 1"),
    bad("wasserstein_1d: p an int beyond the float range", lambda: W([0.0], [1.0], p=10**400), ValueError,
        "p must be a finite number >= 1"),
    bad("wasserstein_1d: p a string", lambda: W([0.0], [1.0], p="2"), TypeError, "p must be a real number"),
    bad("wasserstein_1d: sorted=True on unsorted values", lambda: W([1.0, 0.0], [1.0], sorted=True), ValueError,
        "u_values is not sorted"),
    ok("wasserstein_1d: read-only reversed view", lambda: W(READ_ONLY[0, ::-1], READ_ONLY[1], p=2),
       lambda: W(READ_ONLY[0, ::-1].copy(), READ_ONLY[1].copy(), p=2)),
    ok("wasserstein_1d: values near the float maximum (differences overflow)", lambda: W([1e308, -1e308], [0.0]),
       1e308),
    ok("wasserstein_1d: p = 2 with values near the float maximum", lambda: W([1e308, -1e308], [0.0], p=2), 1e308),
    ok("wasserstein_1d: p = 50, gaps 1e-9 of the span (no underflow to 0)",
       lambda: W(np.array([0.0, 1e6]), np.array([1e-3, 1e6 + 1e-3]), p=50), pytest.approx(1e-3, rel=1e-7)),
    ok("wasserstein_1d: p = 1e300 is the largest transported gap", lambda: W([0.0, 5.0], [1.0, 5.5], p=1e300),
       pytest.approx(1.0, rel=1e-12)),
    ok("wasserstein_1d: 1000 against 999 values near 1e306 (sums overflow)",
       lambda: W(np.zeros(1000), np.full(999, 1e306)), pytest.approx(1e306, rel=1e-12)),
    bad("energy_distance: NaN weight", lambda: E([0.0, 1.0], [1.0], [nan, 1.0]), ValueError,
        "u_weights contains NaN"),
    bad("energy_distance: weights of another shape", lambda: E([0.0, 1.0], [1.0, 2.0], None, [[1.0, 1.0]]),
        ValueError, "v_weights has shape"),
    ok("energy_distance: values near the float maximum", lambda: E([1e308, -1e308], [0.0]), pytest.approx(1e154)),
    ok("energy_distance: strided 2-d rows against one sample", lambda: E(BIG[::2, ::3], SAMPLES[::5]),
       lambda: E(BIG[::2, ::3].copy(), SAMPLES[::5].copy())),
    bad("wasserstein_hist: negative mass", lambda: WH([1.0, -1.0], [1.0, 1.0]), ValueError, "p has negative"),
    bad("wasserstein_hist: q all zero", lambda: WH([1.0, 1.0], [0.0, 0.0]), ValueError, "q sums to zero"),
    bad("wasserstein_hist: support of the wrong length", lambda: WH([1.0, 1.0], [1.0, 1.0], [0.0]), ValueError,
        "x must be 1-D with one point per bin"),
    bad("wasserstein_hist: support with inf", lambda: WH([1.0, 1.0], [1.0, 1.0], [0.0, inf]), ValueError,
        "x contains NaN or infinite values"),
    bad("wasserstein_hist: order < 1", lambda: WH([1.0, 1.0], [1.0, 1.0], order=0.99), ValueError,
        "order must be a finite number >= 1"),
    bad("wasserstein_hist: axis out of range", lambda: WH(np.ones((2, 3)), np.ones((2, 3)), axis=-3), ValueError,
        "axis -3 is out of bounds"),
    bad("wasserstein_hist: 0-d masses", lambda: WH(1.0, 1.0), ValueError, "at least one dimension"),
    bad("wasserstein_hist: shapes (3,) and (2,)", lambda: WH([1.0, 1.0, 1.0], [1.0, 1.0]), ValueError,
        "do not broadcast"),
    ok("wasserstein_hist: a support spanning more than the float range", lambda: WH([1, 1], [1, 0], [-1e308, 1e308]),
       1e308),
    ok("wasserstein_hist: order 100 on support [0, 1e-3, 1e6] (no underflow to 0)",
       lambda: WH([1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 1e-3, 1e6], order=100),
       pytest.approx(0.5 ** (1 / 100) * 1e-3, rel=1e-9)),
    ok("wasserstein_hist: strided masses along axis 0", lambda: WH(BIG[:, ::2], BIG[::-1, 1::2], axis=0),
       lambda: WH(BIG[:, ::2].copy(), BIG[::-1, 1::2].copy(), axis=0)),
    # ---- emd / emd2 ------------------------------------------------------------------
    bad("emd: NaN cost", lambda: EMD(A4, B5, np.where(COST == 2, nan, COST)), ValueError, "M contains NaN"),
    bad("emd: -inf cost", lambda: EMD(A4, B5, np.where(COST == 2, -inf, COST)), ValueError, "M contains -inf"),
    bad("emd: -inf cost in a zero-mass row", lambda: EMD([1.0, 0.0], [1.0], [[0.0], [-inf]]), ValueError,
        "M contains -inf"),
    bad("emd: +inf on every route of one row", lambda: EMD2([0.5, 0.5], [0.5, 0.5], [[inf, inf], [0.0, 1.0]]),
        EmdInfeasibleError, "infeasible"),
    bad("emd: +inf blocking mass 0.6 from all but mass 0.5", lambda: EMD2([0.3, 0.3, 0.4], [0.5, 0.5], BLOCKED),
        EmdInfeasibleError, "some mass has no admissible destination"),
    bad("emd: total mass 1 against 2", lambda: EMD2([1.0], [1.0, 1.0], [[0.0, 1.0]]), ValueError,
        r"different total mass .* pass normalize=True"),
    bad("emd: weights whose total overflows", lambda: EMD2([1e308, 1e308], [1e308, 1e308], np.eye(2)), ValueError,
        "a sums to more than the largest float64"),
    bad("emd: cost beyond the solver's range", lambda: EMD2(A4, B5, COST * 1e299), ValueError,
        "M has entries too large in magnitude"),
    bad("emd: 1-d cost", lambda: EMD2([1.0], [1.0], [1.0]), ValueError, "M must be a 2-D cost matrix"),
    bad("emd: 4-d cost", lambda: EMD2([1.0], [1.0], np.ones((1, 1, 1, 1))), ValueError, "got 4-D"),  # 3-D: a batch
    bad("emd: batch of 2 costs, weights for 3", lambda: EMD2(np.ones((3, 1)), [1.0], np.ones((2, 1, 1))), ValueError,
        r"a has shape \(3, 1\) but the batch needs \(2, 1\)"),
    bad("emd: empty cost", lambda: EMD2(None, None, np.ones((0, 3))), ValueError, "M must not be empty"),
    bad("emd: 4 weights for 5 columns", lambda: EMD2(A4, A4, COST), ValueError, "b has 4 weights but column of M has 5"),
    bad("emd: 2-d weights", lambda: EMD2([[1.0]], [1.0], [[0.0]]), ValueError, "a must be a 1-D array of weights"),
    bad("emd: negative weight", lambda: EMD2([1.5, -0.5], [1.0], [[0.0], [1.0]]), ValueError, "a has negative"),
    bad("emd: object cost", lambda: EMD2([1.0], [1.0], np.array([[1.0]], dtype=object)), TypeError, "M must"),
    bad("emd: complex cost", lambda: EMD2([1.0], [1.0], [[1j]]), TypeError, "M must hold real numbers"),
    bad("emd: max_iter 0", lambda: EMD2([1.0], [1.0], [[0.0]], max_iter=0), ValueError, "max_iter must be a positive"),
    ok("emd: max_iter beyond int64 means no limit", lambda: EMD2(A4, B5, COST, max_iter=2**70),
       lambda: EMD2(A4, B5, COST)),
    ok("emd: normalize=True with weights whose total overflows",
       lambda: EMD2([1e308, 1e308], [1.0, 3.0], [[0.0, 1.0], [1.0, 0.0]], normalize=True), 0.25),
    ok("emd: read-only non-contiguous float32 cost", lambda: EMD2(A4, A4, _read_only(COST[:, ::-1][:, :4]).astype(
        np.float32)[:, ::-1]), lambda: EMD2(A4, A4, np.ascontiguousarray(COST[:, 1:]))),
    ok("emd: +inf costs that leave a route", lambda: EMD2([0.5, 0.5], [0.5, 0.5], [[inf, 1.0], [1.0, inf]]), 1.0),
    # ---- wasserstein_nd ----------------------------------------------------------------
    bad("wasserstein_nd: unknown metric", lambda: WND(CLOUDS[0], CLOUDS[1], metric="cosine"), ValueError,
        "metric must be one of"),
    bad("wasserstein_nd: metric in capitals", lambda: WND(CLOUDS[0], CLOUDS[1], metric="Euclidean"), ValueError,
        "got 'Euclidean'"),
    bad("wasserstein_nd: metric not a string", lambda: WND(CLOUDS[0], CLOUDS[1], metric=None), TypeError,
        "metric must be a string"),
    bad("wasserstein_nd: points of dimensions 2 and 3", lambda: WND(CLOUDS[0], np.ones((2, 3))), ValueError,
        r"different dimensions \(2 and 3\)"),
    bad("wasserstein_nd: 3-d points", lambda: WND(np.ones((2, 2, 2)), CLOUDS[0]), ValueError, "x must be 2-D"),
    bad("wasserstein_nd: no points", lambda: WND(np.ones((0, 2)), CLOUDS[0]), ValueError,
        "x must hold at least one point"),
    bad("wasserstein_nd: NaN coordinate", lambda: WND(CLOUDS[0], [[0.0, nan]]), ValueError,
        "y contains NaN or infinite coordinates"),
    bad("wasserstein_nd: p < 1", lambda: WND(CLOUDS[0], CLOUDS[1], p=0.5), ValueError, "p must be a finite number"),
    bad("wasserstein_nd: w < 1", lambda: WND(CLOUDS[0], CLOUDS[1], metric="minkowski", w=0.5), ValueError,
        "w must be >= 1"),
    bad("wasserstein_nd: w without minkowski", lambda: WND(CLOUDS[0], CLOUDS[1], w=3), ValueError,
        "only used with metric='minkowski'"),
    bad("wasserstein_nd: weights for 2 of 3 points", lambda: WND(CLOUDS[0], CLOUDS[1], a=[1.0, 1.0]), ValueError,
        "a has 2 weights but point of x has 3"),
    ok("wasserstein_nd: coordinates near 1e200, p = 2 (costs beyond the float range)",
       lambda: WND([1e200], [-1e200], p=2), pytest.approx(2e200)),
    ok("wasserstein_nd: a distance 1e-200, p = 2 (costs below the float range)",
       lambda: WND([0.0], [1e-200], p=2), pytest.approx(1e-200)),
    ok("wasserstein_nd: distance 200, p = 200 (a cost 200**200)", lambda: WND([0.0], [200.0], p=200),
       pytest.approx(200.0)),
    ok("wasserstein_nd: Fortran-ordered float32 points",
       lambda: WND(np.asfortranarray(CLOUDS[1].astype(np.float32)), CLOUDS[0][::-1]),
       lambda: WND(CLOUDS[1].astype(np.float32).astype(np.float64), CLOUDS[0][::-1].copy())),
    # ---- pairwise / pydiv.dask.pairwise --------------------------------------------------
    bad("pairwise: unknown metric", lambda: PW(X34, metric="cosine"), ValueError, "unknown metric 'cosine'"),
    bad("pairwise: metric None", lambda: PW(X34, metric=None), ValueError, "unknown metric None"),
    bad("pairwise: p given to js (it would be ignored)", lambda: PW(X34, metric="js", p=2), ValueError,
        "p is not used by metric 'js', which takes base"),
    bad("pairwise: base given to wasserstein", lambda: PW(X34, metric="wasserstein", base=2), ValueError,
        "base is not used by metric 'wasserstein'"),
    bad("pairwise: ground_metric given to wasserstein_samples",
        lambda: PW(X34, metric="wasserstein_samples", ground_metric="cityblock"), ValueError,
        "ground_metric is not used by metric 'wasserstein_samples'"),
    bad("pairwise: 1-d X", lambda: PW(P4, metric="js"), ValueError, "X must be 2-D"),
    bad("pairwise: 3-d X", lambda: PW(np.ones((2, 2, 2)), metric="kl"), ValueError, "X must be 2-D"),
    bad("pairwise: columns 4 and 3", lambda: PW(X34, X34[:, :3], metric="js"), ValueError,
        "same number of columns, got 4 and 3"),
    bad("pairwise: negative entry", lambda: PW(-X34, metric="jensenshannon"), ValueError, "X row 0 has negative"),
    bad("pairwise: -inf entry", lambda: PW(X34, np.array([[1.0, 1.0, 1.0, -inf]]), metric="kl"), ValueError,
        "Y row 0 contains NaN or infinite"),
    bad("pairwise: all-zero row", lambda: PW(np.array([[1.0, 1.0], [0.0, 0.0]]), metric="js"), ValueError,
        "X row 1 sums to zero"),
    bad("pairwise: string X", lambda: PW([["a", "b"]], metric="js"), TypeError, "X must be a numeric array-like"),
    bad("pairwise: boolean X", lambda: PW(X34 > 0.5, metric="js"), TypeError, "X must hold real numbers"),
    bad("pairwise: base 0", lambda: PW(X34, metric="kl", base=0), ValueError, "base must be a positive"),
    bad("pairwise: wasserstein with p = 0.5", lambda: PW(X34, metric="wasserstein", p=0.5), ValueError, "p must be"),
    bad("pairwise: emd with an unknown ground metric", lambda: PW(CLOUDS, metric="emd", ground_metric="cosine"),
        ValueError, "ground_metric must be one of"),
    bad("pairwise: emd clouds of dimensions 2 and 3", lambda: PW(CLOUDS, [np.ones((2, 3))], metric="emd"), ValueError,
        "different dimensions"),
    bad("pairwise: emd cloud with NaN", lambda: PW([[[0.0, nan]]], metric="emd"), ValueError,
        r"X\[0\] contains NaN or infinite"),
    ok("pairwise: non-contiguous read-only X", lambda: PW(READ_ONLY[:, ::2], metric="jensenshannon"),
       lambda: PW(np.ascontiguousarray(READ_ONLY[:, ::2]), metric="jensenshannon")),
    ok("pairwise: no rows", lambda: PW(np.ones((0, 4)), metric="js").shape, (0, 0)),
    bad("pairwise: emd on a 2-D array of histograms", lambda: PW(X34, metric="emd"), ValueError,
        "X is a 2-D array of numbers, but metric='emd' takes point clouds.*metric='wasserstein'"),
    bad("pairwise: emd on a list of lists of numbers", lambda: PW(X34.tolist(), metric="emd"), ValueError,
        "X is a 2-D array.*'wasserstein_samples'"),
    bad("pairwise: emd on a 2-D Y", lambda: PW(CLOUDS, X34, metric="emd"), ValueError, "Y is a 2-D array"),
    ok("pairwise: emd on a 3-D array of equal-size clouds", lambda: PW(np.stack([CLOUDS[0]] * 2), metric="emd"),
       np.zeros((2, 2))),
    ok("pairwise: emd on an object array of clouds of different sizes",
       lambda: PW(np.fromiter(CLOUDS, dtype=object), metric="emd"), lambda: PW(CLOUDS, metric="emd")),
    ok("pairwise: emd on a list of 1-D arrays (clouds on a line)", lambda: PW(list(X34), metric="emd")[0, 1],
       lambda: W(X34[0], X34[1])),
    bad("pairwise: emd w a string", lambda: PW(CLOUDS, metric="emd", ground_metric="minkowski", w="3"), TypeError,
        "w must be a real number"),
    bad("pairwise: emd w True", lambda: PW(CLOUDS, metric="emd", ground_metric="minkowski", w=True), TypeError,
        "w must be a real number"),
    ok("pairwise: emd w an int beyond the float range is the Chebyshev limit",
       lambda: PW(CLOUDS, metric="emd", ground_metric="minkowski", w=10**400),
       lambda: PW(CLOUDS, metric="emd", ground_metric="chebyshev")),
    bad("pairwise: emd ground_metric not a string", lambda: PW(CLOUDS, metric="emd", ground_metric=1), TypeError,
        "ground_metric must be a string"),
    # ---- masked arrays: the mask would be ignored ------------------------------------
    bad("entropy: masked p", lambda: H(MASKED), TypeError, r"p is a masked array.*p\.compressed\(\).*p\.filled\(0\)"),
    bad("kl_divergence: masked q", lambda: KL(P4[:3], MASKED), TypeError, "q is a masked array"),
    bad("stream.Entropy: masked chunk", lambda: Entropy().update(MASKED), TypeError, "p_chunk is a masked array"),
    bad("wasserstein_1d: masked weights", lambda: W(P4[:3], P4, MASKED), TypeError, "u_weights is a masked array"),
    bad("wasserstein_hist: masked support", lambda: WH(P4[:3], P4[:3], MASKED), TypeError, "x is a masked array"),
    bad("emd: masked cost", lambda: EMD2(None, None, np.ma.array(COST, mask=COST == 1)), TypeError, "M is a masked"),
    bad("wasserstein_nd: masked points", lambda: WND(MASKED, CLOUDS[0][:, 0]), TypeError, "x is a masked array"),
    bad("pairwise: masked X", lambda: PW(np.ma.array(X34, mask=X34 < 0.3), metric="js"), TypeError, "X is a masked"),
    bad("pairwise: emd with a masked cloud", lambda: PW([CLOUDS[0], np.ma.masked_less(CLOUDS[1], 0.5)], metric="emd"),
        TypeError, r"X\[1\] is a masked array"),
    bad("pairwise: a list of rows, one masked",
        lambda: PW([X34[0], np.ma.array(X34[1], mask=[0, 1, 0, 0])], metric="js"), TypeError, r"X\[1\] is a masked array"),
    bad("pairwise: masked out", lambda: PW(X34, metric="js", out=np.ma.zeros((3, 3))), TypeError,
        "out must be a NumPy array"),
    ok("entropy: a masked array with nothing masked", lambda: H(np.ma.array([1.0, 2.0, 3.0])), lambda: H([1, 2, 3])),
    bad("pydiv.dask.pairwise: unknown metric", lambda: dask_pairwise(X34, metric="cosine", chunks=2), ValueError,
        "unknown metric 'cosine'", needs="dask"),
    ok("pydiv.dask.pairwise: NumPy input without chunks", lambda: dask_pairwise(X34, metric="js"),
       lambda: PW(X34, metric="js"), needs="dask"),
    bad("pydiv.dask.pairwise: an option the metric does not use", lambda: pydiv.dask.pairwise(X34, metric="js", p=2),
        ValueError, "p is not used by metric 'js'", needs="dask"),
    bad("pydiv.dask.pairwise: condensed with Y", lambda: pydiv.dask.pairwise(X34, X34, metric="js", condensed=True),
        ValueError, "condensed output needs Y=None", needs="dask"),
    bad("pydiv.dask.pairwise: 3-d X", lambda: dask_pairwise(np.ones((2, 2, 2)), metric="js", chunks=1), ValueError,
        "X must be 2-D", needs="dask"),
    bad("pydiv.dask.pairwise: NaN in NumPy X, found at call time",
        lambda: pydiv.dask.pairwise([[1.0, 1.0], [1.0, nan]], metric="js", chunks=1), ValueError, "X row 1 contains NaN",
        needs="dask"),
    ok("pydiv.dask.pairwise: strided X", lambda: dask_pairwise(BIG[::2, ::3], metric="kl", chunks=2),
       lambda: PW(np.ascontiguousarray(BIG[::2, ::3]), metric="kl"), needs="dask"),
]


def _param(row: Row) -> Any:
    marks = []
    if row.needs == "dask" and not HAVE_DASK:
        marks.append(pytest.mark.skip(reason="dask is not installed"))
    return pytest.param(row, id=row.what, marks=marks)


@pytest.mark.parametrize("row", [_param(r) for r in TABLE])
def test_bad_input_table(row: Row) -> None:
    # Each row raises its exception with its message, or returns its value.
    if isinstance(row.expect, type) and issubclass(row.expect, BaseException):
        with pytest.raises(row.expect, match=row.match):
            row.call()
        return
    got = row.call()
    want = row.expect() if callable(row.expect) else row.expect
    if isinstance(want, type(pytest.approx(0.0))):
        assert got == want
    elif isinstance(want, tuple):
        assert got == want
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
        assert np.shape(got) == np.shape(want)


def test_table_size() -> None:
    # The table documents at least 40 inputs and every public entry point.
    assert len(TABLE) >= 40
    names = " ".join(r.what.split(":")[0] for r in TABLE)
    for entry in ["entropy", "cross_entropy", "kl_divergence", "js_divergence", "jensenshannon", "stream.",
                  "wasserstein_1d", "energy_distance", "wasserstein_hist", "emd", "wasserstein_nd", "pairwise",
                  "pydiv.dask.pairwise"]:
        assert entry in names
