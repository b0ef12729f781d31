"""Fuzzing every entry point with arbitrary arrays and parameters.

Arrays of any dtype (float64/32/16, ints, bools, complex, objects, strings,
datetimes), any shape (0-d, empty, up to 3-d), with NaN and infinities, and
parameters of any kind (axis, base, p, metric names, weights, max_iter) go to
every public function.  The only allowed outcomes are a value (never NaN:
valid input has a number, invalid input an exception) or a ValueError /
TypeError with a message of pydiv's own.  Anything else (SystemError,
RuntimeError, OverflowError, IndexError, nanobind's "incompatible function
arguments", a crash of the process) is a bug.  Warnings are not outcomes: they
are silenced here.

Runs in-process: a segfault would take pytest down with it, which fails too.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pydiv
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence

# 5x the profile's examples (300 with "ci"), at least 300.
EXAMPLES = max(300, 5 * settings.default.max_examples)
fuzz = settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None)

# ---------------------------------------------------------------- strategies

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)
ODD_DTYPES = [np.float16, np.int64, np.int8, np.uint8, np.bool_, np.complex128, np.dtype("<U2"),
              np.dtype("datetime64[s]")]


def any_array(shape: Any = SHAPES) -> st.SearchStrategy[np.ndarray]:
    """Arrays of any dtype and shape, with NaN and infinities among floats."""
    floats = st.one_of(
        hnp.arrays(st.sampled_from([np.float64, np.float32]), shape),
        hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 5e-324,
                                                                1e308, 2.5])),
    )
    odd = st.sampled_from(ODD_DTYPES).flatmap(lambda dt: hnp.arrays(dt, shape))
    objects = hnp.arrays(object, shape, elements=st.one_of(st.floats(), st.integers(-5, 5), st.none(),
                                                            st.text(max_size=2)))
    return st.one_of(floats, odd, objects)


def mostly(valid: st.SearchStrategy[Any], anything: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid` three times in four, so that most calls get past validation.

    (``st.one_of(valid, valid, valid, anything)`` would not do: equal branches count once.)
    """
    return st.sampled_from([True, True, True, False]).flatmap(lambda ok: valid if ok else anything)


def good_array(shape: Any = SHAPES, dtype: Any = None) -> st.SearchStrategy[np.ndarray]:
    """Non-negative finite float arrays (some zeros): inputs that reach the kernels."""
    dt = st.sampled_from([np.float64, np.float32]) if dtype is None else st.just(dtype)
    positive = st.floats(float(np.float32(1e-30)), 1e6, width=32)
    return hnp.arrays(dt, shape, elements=st.one_of(st.just(0.0), positive, positive, positive))


def array_like(shape: Any = SHAPES) -> st.SearchStrategy[Any]:
    """Mostly kernel-reaching arrays, else anything an argument could be."""
    other = st.one_of(
        st.none(),
        st.floats(),
        st.integers(-3, 3),
        st.text(max_size=3),
        st.lists(st.floats(), max_size=4),
        st.just([[1.0, 2.0], [3.0]]),  # ragged
        st.just([1.0, "a"]),
        st.just(1j),
    )
    return mostly(good_array(shape), st.one_of(any_array(shape), other))


AXES = mostly(st.sampled_from([-1, 0, -1, np.int64(0)]),
              st.one_of(st.integers(-4, 3), st.none(), st.just(0.5), st.just("0"), st.just(2**70)))
BASES = mostly(st.sampled_from([None, 2, 10, 0.5, math.e, np.float32(3)]),
               st.one_of(st.floats(), st.integers(-3, 3), st.just("2"), st.just(10**400), st.just(True), st.just(2j),
                         st.just(np.array([2.0]))))
ORDERS = mostly(st.one_of(st.sampled_from([1, 1.5, 2, 3, 1e3, 1e300, np.float32(2.5), np.array(2.0)]),
                          st.floats(1.0, 1e6)),
                st.one_of(st.floats(), st.integers(-2, 5), st.none(), st.just("2"), st.just(True), st.just(10**400),
                          st.just(np.array([2.0]))))
DTYPE_ARGS = mostly(st.sampled_from([None, np.float32, np.float64]), st.sampled_from([int, "foo", object]))
INFO_METRICS = ["kl", "cross_entropy", "js", "jensenshannon", "wasserstein", "wasserstein_samples", "emd"]
METRICS = mostly(st.sampled_from(INFO_METRICS),
                 st.one_of(st.sampled_from(["cosine", "", "KL", "euclidean"]), st.none(), st.just(3)))
GROUND = mostly(st.sampled_from(["euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski"]),
                st.one_of(st.sampled_from(["cosine", "Euclidean"]), st.none(), st.just(2)))
MAX_ITER = mostly(st.one_of(st.none(), st.integers(1, 50), st.just(2**70)),
                  st.one_of(st.integers(-2, 0), st.just(2.5), st.just(True), st.just("5")))
WS = mostly(st.sampled_from([None, 1, 1.5, 3, np.inf]), st.one_of(st.floats(), st.just("3"), st.just(10**400)))


def matched(min_dims: int = 1, side: int = 5) -> st.SearchStrategy[tuple[Any, Any]]:
    """Two arguments, mostly of one shape (so the valid path is reached)."""
    same = hnp.array_shapes(min_dims=min_dims, max_dims=2, min_side=1, max_side=side).flatmap(
        lambda s: st.tuples(good_array(s), good_array(s)))
    return mostly(same, st.tuples(array_like(), array_like()))


# ---------------------------------------------------------------- the oracle


def outcome(call: Callable[[], Any]) -> Any:
    """The call's value, or None for an allowed exception; anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = call()
        except (ValueError, TypeError) as exc:
            message = str(exc)
            assert "incompatible function arguments" not in message, f"nanobind signature error leaked: {message}"
            event(type(exc).__name__)  # --hypothesis-show-statistics counts the outcomes
            return None
    check_value(value)
    event("value")
    return value


def check_value(value: Any) -> None:
    """A result holds numbers, and no NaN."""
    if isinstance(value, pydiv.EmdResult):
        check_value(value.cost)
        return
    arr = np.asarray(value)
    assert arr.dtype.kind in "fiu" or arr.dtype == object, f"unexpected result dtype {arr.dtype}"
    if arr.dtype.kind == "f":
        assert not np.isnan(arr).any(), f"NaN in a result: {value!r}"


# ---------------------------------------------------------------- information


@fuzz
@given(array_like(), BASES, AXES, st.booleans(), DTYPE_ARGS)
def test_fuzz_entropy(p, base, axis, keepdims, dtype):
    # entropy returns a value or raises ValueError / TypeError, whatever it is given.
    outcome(lambda: pydiv.entropy(p, base=base, axis=axis, keepdims=keepdims, dtype=dtype))
    outcome(lambda: pydiv.entropy(p))


@pytest.mark.parametrize("name", ["cross_entropy", "kl_divergence", "js_divergence", "jensenshannon"])
@fuzz
@given(pq=matched(), base=BASES, axis=AXES, keepdims=st.booleans(), dtype=DTYPE_ARGS)
def test_fuzz_divergences(name, pq, base, axis, keepdims, dtype):
    # Each divergence returns a value or raises ValueError / TypeError.
    f = getattr(pydiv, name)
    p, q = pq
    outcome(lambda: f(p, q, base=base, axis=axis, keepdims=keepdims, dtype=dtype))
    outcome(lambda: f(p, q))


@fuzz
@given(st.sampled_from([Entropy, CrossEntropy, KLDivergence, JSDivergence]), st.lists(matched(), min_size=1,
       max_size=3), AXES, st.one_of(st.floats(), st.integers(-1, 5), st.just(10**400), st.just("1")), BASES,
       st.booleans())
def test_fuzz_stream(cls, chunks, axis, total, base, merge):
    # Accumulators take any chunks, totals, axes and bases, and answer or raise ValueError / TypeError.
    def make():
        if cls is JSDivergence:
            return cls(p_total=total, q_total=1.0, axis=axis)
        return cls(axis=axis)

    acc = outcome(make)
    if acc is None:
        return
    for p, q in chunks:
        outcome(lambda: acc.update(p) if cls is Entropy else acc.update(p, q))
    if merge:
        outcome(lambda: acc.merge(make()))
        outcome(lambda: acc.merge(acc))
    outcome(lambda: acc.result(base=base))


# ---------------------------------------------------------------- one-dimensional Wasserstein


def shape_of(a: Any) -> tuple[int, ...]:
    return a.shape if isinstance(a, np.ndarray) else ()


def samples() -> st.SearchStrategy[tuple[Any, Any, Any, Any]]:
    """(u, v, u_weights, v_weights): often valid, otherwise anything."""
    shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6)
    values = st.one_of(hnp.arrays(np.float64, shapes, elements=st.floats(-1e300, 1e300) | st.sampled_from(
                           [0.0, 1e308, -1e308])),
                       hnp.arrays(np.float32, shapes, elements=st.floats(-1e6, 1e6, width=32)),
                       array_like())

    @st.composite
    def build(draw):
        u, v = draw(values), draw(values)
        uw = draw(st.one_of(st.none(), good_array(shape_of(u)), array_like()))
        vw = draw(st.one_of(st.none(), good_array(shape_of(v)), array_like()))
        return u, v, uw, vw

    return build()


@fuzz
@given(samples(), ORDERS, st.booleans())
def test_fuzz_wasserstein_1d(uv, p, is_sorted):
    # wasserstein_1d answers or raises ValueError / TypeError for any samples, weights and p.
    u, v, uw, vw = uv
    outcome(lambda: pydiv.wasserstein_1d(u, v, uw, vw, p=p, sorted=is_sorted))
    outcome(lambda: pydiv.wasserstein_1d(u, v, p=p))


@fuzz
@given(samples(), st.booleans())
def test_fuzz_energy_distance(uv, is_sorted):
    # energy_distance answers or raises ValueError / TypeError.
    u, v, uw, vw = uv
    outcome(lambda: pydiv.energy_distance(u, v, uw, vw, sorted=is_sorted))


@fuzz
@given(matched(), st.one_of(st.none(), array_like(), hnp.arrays(np.float64, st.integers(0, 6))), ORDERS, AXES,
       st.booleans())
def test_fuzz_wasserstein_hist(pq, x, order, axis, keepdims):
    # wasserstein_hist answers or raises ValueError / TypeError.
    p, q = pq
    outcome(lambda: pydiv.wasserstein_hist(p, q, x, order=order, axis=axis, keepdims=keepdims))


# ---------------------------------------------------------------- exact EMD


@st.composite
def transport(draw):
    n, m = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    costs = mostly(st.floats(-1e6, 1e6), st.one_of(st.floats(), st.sampled_from([np.inf, -np.inf, np.nan, 1e300])))
    M = draw(mostly(hnp.arrays(np.float64, (n, m), elements=costs),
                    st.one_of(hnp.arrays(np.float32, (n, m)), array_like())))
    a = draw(mostly(st.one_of(st.none(), good_array((n,), np.float64)), array_like()))
    b = draw(mostly(st.one_of(st.none(), good_array((m,), np.float64)), array_like()))
    return a, b, M


@fuzz
@given(transport(), MAX_ITER, st.booleans())
def test_fuzz_emd(abM, max_iter, normalize):
    # emd and emd2 answer or raise ValueError / TypeError (EmdInfeasibleError is a ValueError).
    a, b, M = abM
    r = outcome(lambda: pydiv.emd(a, b, M, max_iter=max_iter, normalize=normalize))
    for result in r if isinstance(r, list) else [] if r is None else [r]:  # a 3-D M is a batch: a list
        assert result.status in ("optimal", "max_iter_reached")
    outcome(lambda: pydiv.emd2(a, b, M, normalize=True))


@st.composite
def clouds(draw):
    d = draw(st.integers(0, 3))
    coords = mostly(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1e300, -1e300, 1e-300, np.nan]))
    pts = lambda: mostly(  # noqa: E731
        hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.just(d)), elements=coords),
        st.one_of(array_like(), hnp.arrays(np.float64, (0, d))))
    x, y = draw(pts()), draw(pts())
    a = draw(mostly(st.one_of(st.none(), good_array((len_of(x),), np.float64)), array_like()))
    b = draw(mostly(st.one_of(st.none(), good_array((len_of(y),), np.float64)), array_like()))
    return x, y, a, b


def len_of(x: Any) -> int:
    return x.shape[0] if isinstance(x, np.ndarray) and x.ndim else 1


@fuzz
@given(clouds(), ORDERS, GROUND, WS, MAX_ITER)
def test_fuzz_wasserstein_nd(xyab, p, metric, w, max_iter):
    # wasserstein_nd answers or raises ValueError / TypeError for any clouds and parameters.
    x, y, a, b = xyab
    if metric != "minkowski" and isinstance(w, (int, float)) and w != 3:
        w = None  # mostly without the Minkowski order where it does not belong
    outcome(lambda: pydiv.wasserstein_nd(x, y, a, b, p=p, metric=metric, w=w, max_iter=max_iter))


# ---------------------------------------------------------------- pairwise


@st.composite
def pairwise_args(draw):
    metric = draw(METRICS)
    if metric == "emd" and draw(mostly(st.just(True), st.just(False))):
        d = draw(st.integers(1, 2))
        cloud = hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.just(d)), elements=st.floats(-10, 10))
        X = draw(st.lists(cloud, max_size=3))
        Y = draw(st.one_of(st.none(), st.lists(cloud, max_size=3)))
    else:
        X, Y = draw(matched(min_dims=2))
        Y = draw(st.one_of(st.none(), st.just(Y)))
    kwargs = dict(
        metric=metric,
        n_jobs=draw(mostly(st.sampled_from([None, 1, 2, -1]), st.integers(-3, 0) | st.sampled_from([2**31, 10**12]))),
        condensed=draw(mostly(st.just(False), st.just(True))),
    )
    if metric in ("kl", "cross_entropy", "js", "jensenshannon"):
        kwargs["base"] = draw(BASES)
    if metric in ("wasserstein", "wasserstein_samples", "emd"):
        kwargs["p"] = draw(mostly(st.just(1), ORDERS))
    if metric in ("wasserstein", "wasserstein_samples"):
        kwargs["x"] = draw(mostly(st.none(), array_like()))
    if metric == "emd":
        kwargs["ground_metric"] = draw(GROUND)
        kwargs["w"] = draw(WS) if kwargs["ground_metric"] == "minkowski" else draw(mostly(st.none(), WS))
        kwargs["x_weights"] = draw(mostly(st.none(), st.lists(array_like(), max_size=3)))
    if draw(st.booleans()):
        kwargs["dtype"] = draw(st.sampled_from([np.float32, np.float64, int]))
    if draw(st.integers(0, 9)) == 0:
        kwargs[draw(st.sampled_from(["base", "p", "x", "w", "ground_metric"]))] = draw(array_like())
    return X, Y, kwargs


@fuzz
@given(pairwise_args())
def test_fuzz_pairwise(args):
    # pairwise answers or raises ValueError / TypeError for any metric, data and options.
    X, Y, kwargs = args
    outcome(lambda: pydiv.pairwise(X, Y, **kwargs))


@settings(max_examples=max(60, settings.default.max_examples), suppress_health_check=list(HealthCheck),
          deadline=None)
@given(matched(min_dims=2, side=4), METRICS, st.one_of(st.none(), st.just(-1), st.integers(-2, 3)), BASES)
def test_fuzz_dask_pairwise(XY, metric, chunks, base):
    # pydiv.dask.pairwise (built and computed) answers or raises ValueError / TypeError.
    pytest.importorskip("dask.array")
    import pydiv.dask

    X, Y = XY
    kwargs = {} if base is None else {"base": base}

    def run():
        return pydiv.dask.pairwise(X, Y, metric=metric, chunks=chunks, **kwargs).compute(scheduler="sync")

    outcome(run)
