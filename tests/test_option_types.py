"""Every boolean, integer and real option of every public function against odd scalars.

The policy (src/pydiv/_checks): a boolean option takes a Python bool or
numpy.bool_; an integer option a Python or NumPy integer, never a bool or a
float; a real option a Python or NumPy integer or float, never a bool or a
string; a 0-d array counts as the scalar it holds.  Anything else is a
TypeError naming the option; a value of the right type out of range is a
ValueError naming it.  Never a TypeError from the bindings ("incompatible
function arguments"), an OverflowError, or a wrong type silently accepted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest

import pydiv
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence

try:
    import dask.array  # noqa: F401

    import pydiv.dask

    HAVE_DASK = True
except ImportError:  # pragma: no cover - the optional extra
    HAVE_DASK = False

RNG = np.random.default_rng(14)
X34 = RNG.random((3, 4)) + 0.1
Q34 = RNG.random((3, 4)) + 0.1
U = np.sort(RNG.normal(size=6))
V = np.sort(RNG.normal(size=5))
CLOUDS = [RNG.random((3, 2)), RNG.random((4, 2))]
COST = np.abs(np.subtract.outer(np.arange(3.0), np.arange(4.0)))
A3, B4 = np.full(3, 2 / 3), np.full(4, 0.5)  # total mass 2 on each side
ONE = [[2.0]]  # a problem solved without a pivot: any max_iter >= 1 gives the optimum

# The odd values, by name, and the plain Python value each stands for (None: none).
ODD: dict[str, tuple[Any, Any]] = {
    "np.True_": (np.True_, True),
    "np.False_": (np.False_, False),
    "0-d bool array": (np.array(True), True),
    "True": (True, True),
    "1": (1, 1),
    "0": (0, 0),
    "np.int64(3)": (np.int64(3), 3),
    "np.uint8(3)": (np.uint8(3), 3),
    "0-d int array": (np.array(3), 3),
    "np.float64(3.0)": (np.float64(3.0), 3.0),
    "np.float32(3.0)": (np.float32(3.0), 3.0),
    "3.0": (3.0, 3.0),
    "0-d float array": (np.array(3.0), 3.0),
    "10**400": (10**400, 10**400),
    "-10**400": (-(10**400), -(10**400)),
    "nan": (math.nan, math.nan),
    "'3'": ("3", "3"),
    "3+0j": (3 + 0j, 3 + 0j),
    "[3] (1-d array)": (np.array([3]), None),
    "None": (None, None),
}
BOOLS = {"np.True_", "np.False_", "0-d bool array", "True"}
INTS = {"1", "0", "np.int64(3)", "np.uint8(3)", "0-d int array", "10**400", "-10**400"}
FLOATS = {"np.float64(3.0)", "np.float32(3.0)", "3.0", "0-d float array", "nan"}


@dataclass
class Option:
    where: str  # the function and the option
    name: str  # the option's name, as the messages must say it
    kind: str  # "bool", "int" or "real"
    call: Callable[[Any], Any]  # the function called with the option set to a value
    # Values of the right type that are still an error (a ValueError), or that
    # give the result of another plain value (value -> plain value).
    out_of_range: set[str] = field(default_factory=set)
    same_as: dict[str, Any] = field(default_factory=dict)
    none_ok: bool = False  # None is the option's default
    # Checked by code outside this policy so far: a wrong type may be a
    # ValueError, and a 0-d array may be refused (still naming the option).
    loose: bool = False
    needs: str | None = None


def _info(f: Callable[..., Any], two: bool) -> list[Option]:
    args = (X34, Q34) if two else (X34,)
    name = f.__name__
    return [
        Option(f"{name} keepdims", "keepdims", "bool", lambda v: f(*args, keepdims=v)),
        Option(f"{name} axis", "axis", "int", lambda v: f(*args, axis=v), out_of_range={"np.int64(3)", "np.uint8(3)",
               "0-d int array", "10**400", "-10**400"}),
        Option(f"{name} base", "base", "real", lambda v: f(*args, base=v), out_of_range={"1", "0", "10**400",
               "-10**400", "nan"}, none_ok=True),
    ]


def _stream(acc: type, v: Any) -> Any:
    two = acc is not Entropy
    return (acc(axis=v).update(X34, Q34) if two else acc(axis=v).update(X34)).result()


PW_EMD = dict(metric="emd", ground_metric="minkowski")
OPTIONS: list[Option] = [
    *_info(pydiv.entropy, False),
    *_info(pydiv.cross_entropy, True),
    *_info(pydiv.kl_divergence, True),
    *_info(pydiv.js_divergence, True),
    *_info(pydiv.jensenshannon, True),
    Option("wasserstein_1d p", "p", "real", lambda v: pydiv.wasserstein_1d(U, V, p=v),
           out_of_range={"0", "10**400", "-10**400", "nan"}),
    Option("wasserstein_1d sorted", "sorted", "bool", lambda v: pydiv.wasserstein_1d(U, V, sorted=v)),
    Option("energy_distance sorted", "sorted", "bool", lambda v: pydiv.energy_distance(U, V, sorted=v)),
    Option("wasserstein_hist order", "order", "real", lambda v: pydiv.wasserstein_hist(X34, Q34, order=v),
           out_of_range={"0", "10**400", "-10**400", "nan"}),
    Option("wasserstein_hist axis", "axis", "int", lambda v: pydiv.wasserstein_hist(X34, Q34, axis=v),
           out_of_range={"np.int64(3)", "np.uint8(3)", "0-d int array", "10**400", "-10**400"}),
    Option("wasserstein_hist keepdims", "keepdims", "bool", lambda v: pydiv.wasserstein_hist(X34, Q34, keepdims=v)),
    Option("emd max_iter", "max_iter", "int", lambda v: pydiv.emd(None, None, ONE, max_iter=v).cost,
           out_of_range={"0", "-10**400"}, same_as={"10**400": None}, none_ok=True),
    Option("emd normalize", "normalize", "bool", lambda v: pydiv.emd(A3, B4, COST, normalize=v).cost),
    Option("emd2 max_iter", "max_iter", "int", lambda v: pydiv.emd2(None, None, ONE, max_iter=v),
           out_of_range={"0", "-10**400"}, same_as={"10**400": None}, none_ok=True),
    Option("emd2 normalize", "normalize", "bool", lambda v: pydiv.emd2(A3, B4, COST, normalize=v)),
    Option("wasserstein_nd p", "p", "real", lambda v: pydiv.wasserstein_nd(*CLOUDS, p=v),
           out_of_range={"0", "10**400", "-10**400", "nan"}),
    Option("wasserstein_nd w", "w", "real", lambda v: pydiv.wasserstein_nd(*CLOUDS, metric="minkowski", w=v),
           out_of_range={"0", "-10**400", "nan"}, same_as={"10**400": math.inf}, none_ok=True),
    Option("wasserstein_nd max_iter", "max_iter", "int",
           lambda v: pydiv.wasserstein_nd([[0.0, 0.0]], [[3.0, 4.0]], max_iter=v),
           out_of_range={"0", "-10**400"}, same_as={"10**400": None}, none_ok=True),
    Option("pairwise condensed", "condensed", "bool", lambda v: pydiv.pairwise(X34, metric="js", condensed=v)),
    Option("pairwise emd condensed", "condensed", "bool", lambda v: pydiv.pairwise(CLOUDS, metric="emd", condensed=v)),
    Option("pairwise progress", "progress", "bool", lambda v: pydiv.pairwise(X34, metric="kl", progress=v)),
    Option("pairwise n_jobs", "n_jobs", "int", lambda v: pydiv.pairwise(X34, metric="js", n_jobs=v),
           out_of_range={"0", "-10**400"}, same_as={"10**400": 1}, none_ok=True),
    Option("pairwise base", "base", "real", lambda v: pydiv.pairwise(X34, metric="kl", base=v),
           out_of_range={"1", "0", "10**400", "-10**400", "nan"}, none_ok=True),
    Option("pairwise p", "p", "real", lambda v: pydiv.pairwise(X34, metric="wasserstein", p=v),
           out_of_range={"0", "10**400", "-10**400", "nan"}, none_ok=True),
    Option("pairwise wasserstein_samples p", "p", "real", lambda v: pydiv.pairwise(X34, metric="wasserstein_samples",
           p=v), out_of_range={"0", "10**400", "-10**400", "nan"}, none_ok=True),
    Option("pairwise emd p", "p", "real", lambda v: pydiv.pairwise(CLOUDS, metric="emd", p=v),
           out_of_range={"0", "10**400", "-10**400", "nan"}, none_ok=True),
    Option("pairwise emd w", "w", "real", lambda v: pydiv.pairwise(CLOUDS, **PW_EMD, w=v),
           out_of_range={"0", "-10**400", "nan"}, same_as={"10**400": math.inf}, none_ok=True),
    *[Option(f"stream.{acc.__name__} axis", "axis", "int", lambda v, acc=acc: _stream(acc, v),
             out_of_range={"np.int64(3)", "np.uint8(3)", "0-d int array", "10**400", "-10**400"})
      for acc in (Entropy, CrossEntropy, KLDivergence)],
    Option("stream.JSDivergence axis", "axis", "int",
           lambda v: JSDivergence(p_total=X34.sum(), q_total=Q34.sum(), axis=v)
           .update(X34.ravel(), Q34.ravel()).result(),
           out_of_range={"1", "np.int64(3)", "np.uint8(3)", "0-d int array", "10**400", "-10**400"}),
    Option("stream result base", "base", "real", lambda v: Entropy().update(X34).result(base=v),
           out_of_range={"1", "0", "10**400", "-10**400", "nan"}, none_ok=True),
    Option("pydiv.dask.pairwise chunks", "chunks", "int",
           lambda v: pydiv.dask.pairwise(X34, metric="js", chunks=v).compute(scheduler="sync"),
           out_of_range={"0", "-10**400"}, same_as={"10**400": 3}, loose=True, none_ok=True, needs="dask"),
    Option("pydiv.dask.pairwise n_jobs", "n_jobs", "int",
           lambda v: pydiv.dask.pairwise(X34, metric="js", chunks=2, n_jobs=v).compute(scheduler="sync"),
           out_of_range={"0", "-10**400"}, same_as={"10**400": 1}, none_ok=True, needs="dask"),
]


def _outcome(option: Option, value_name: str) -> tuple[str, Any]:
    """("ok", plain value), ("ValueError", None) or ("TypeError", None)."""
    value, plain = ODD[value_name]
    if value_name in option.same_as:
        return "ok", option.same_as[value_name]
    if value_name in option.out_of_range:
        return "ValueError", None
    if value_name == "None":
        return ("ok", None) if option.none_ok else ("TypeError", None)
    accepted = {"bool": BOOLS, "int": INTS, "real": INTS | FLOATS}[option.kind]
    if option.kind != "bool" and value_name in BOOLS:
        return "TypeError", None
    return ("ok", plain) if value_name in accepted else ("TypeError", None)


def _cases() -> list[Any]:
    cases = []
    for option in OPTIONS:
        for value_name in ODD:
            marks = []
            if option.needs == "dask" and not HAVE_DASK:
                marks.append(pytest.mark.skip(reason="dask is not installed"))
            cases.append(pytest.param(option, value_name, id=f"{option.where}={value_name}", marks=marks))
    return cases


@pytest.mark.parametrize("option, value_name", _cases())
def test_option_odd_scalar(option: Option, value_name: str) -> None:
    # An odd scalar gives the plain value's result, or an error naming the option.
    kind, plain = _outcome(option, value_name)
    value = ODD[value_name][0]
    if kind == "ok" and not (option.loose and value_name.startswith("0-d")):
        np.testing.assert_array_equal(option.call(value), option.call(plain))
        return
    try:
        got = option.call(value)
    except (TypeError, ValueError) as exc:
        error: BaseException = exc
    else:
        assert kind == "ok", f"accepted, giving {got!r}"
        np.testing.assert_array_equal(got, option.call(plain))
        return
    if not option.loose:
        assert type(error) is {"TypeError": TypeError, "ValueError": ValueError}[kind], repr(error)
    message = str(error)
    assert option.name in message, message
    assert "incompatible function arguments" not in message


def test_condensed_numpy_bool_is_the_same_as_true() -> None:
    # The reported case: condensed=np.True_ leaked the bindings' signature list.
    np.testing.assert_array_equal(pydiv.pairwise(X34, metric="js", condensed=np.True_),
                                  pydiv.pairwise(X34, metric="js", condensed=True))
    for odd in (1, 0, None):
        with pytest.raises(TypeError, match="condensed must be True or False"):
            pydiv.pairwise(X34, metric="js", condensed=odd)
