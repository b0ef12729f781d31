"""Gradients of the wasserstein_1d and energy_distance ops: finite differences
of the NumPy functions, POT's torch-backend autograd, the dual potentials'
feasibility and objective, exact scaling, and the shapes an adapter relies on."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import pydiv
from autodiff_checks import check_against_fd, evaluate, pot_with_torch, relative_error
from pydiv.autodiff import matching1d, ops

OPS = ops()
W1D, ENERGY = OPS["wasserstein_1d"], OPS["energy_distance"]
PS = [1.0, 1.5, 2.0, 3.0]

# (u shape, v shape): one pair, rows, a 1-D sample against rows, a single row against rows
LAYOUTS = [((7,), (5,)), ((3, 6), (3, 4)), ((5,), (3, 4)), ((1, 6), (3, 4)), ((3, 6), (1, 3))]


def _sample(rng, shape, weighted):
    values = rng.standard_normal(shape) * 2.0
    return values, (rng.random(shape) + 0.2 if weighted else None)


def _arrays(rng, layout, weighted, shift=0.4):
    u, uw = _sample(rng, layout[0], weighted)
    v, vw = _sample(rng, layout[1], weighted)
    return [u, v + shift, uw, vw]


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
def test_wasserstein_vjp_matches_finite_differences(p, weighted, layout):
    rng = np.random.default_rng([int(p * 10), weighted, len(layout[0]) + 3 * layout[1][0]])
    check_against_fd(W1D, _arrays(rng, layout, weighted), {"p": p}, rng)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
def test_energy_vjp_matches_finite_differences(weighted, layout):
    rng = np.random.default_rng([weighted, len(layout[0]) + 3 * layout[1][0]])
    check_against_fd(ENERGY, _arrays(rng, layout, weighted), {}, rng)


@pytest.mark.parametrize("op", [W1D, ENERGY], ids=lambda o: o.name)
@pytest.mark.parametrize("layout", LAYOUTS + [((0, 3), (1, 4)), ((1, 3), (0, 4))], ids=str)
def test_values_are_the_functions_and_shapes_are_stated(op, layout):
    rng = np.random.default_rng(5)
    arrays = _arrays(rng, layout, True)
    options = {"p": 1.5} if op is W1D else {}
    value, _ = evaluate(op, arrays, options)
    expected = np.asarray(op.function(*arrays, **options))
    assert value.shape == expected.shape and np.array_equal(value, expected)
    # sorted=True: the same value, and the same gradients in sorted order
    o = [np.argsort(arrays[0], axis=-1), np.argsort(arrays[1], axis=-1)]
    srt = [np.take_along_axis(arrays[k], o[k % 2], -1) for k in range(4)]
    value_s, grads_s = evaluate(op, srt, {**options, "sorted": True})
    np.testing.assert_array_equal(value_s, np.asarray(op.function(*srt, **options, sorted=True)))
    _, grads = evaluate(op, arrays, options)
    for k in range(4):
        index = np.broadcast_to(o[k % 2], grads[k].shape)
        assert relative_error(grads_s[k], np.take_along_axis(grads[k], index, -1)) < 1e-14


def _pot_gradients(torch, ot, u, v, uw, vw, p):
    """POT's W_p^p, rooted, differentiated by torch; POT wants weights that sum to 1 and samples in columns."""
    tu, tv = (torch.tensor(np.atleast_2d(a).T, requires_grad=True) for a in (u, v))
    tw = [None if w is None else torch.tensor((np.atleast_2d(w) / np.atleast_2d(w).sum(-1, keepdims=True)).T) for w in (uw, vw)]
    wpp = ot.wasserstein_1d(tu, tv, tw[0], tw[1], p=p)
    (wpp ** (1.0 / p)).sum().backward()
    return tu.grad.numpy().T, tv.grad.numpy().T


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_value_gradients_equal_pots_autograd(p, weighted, ties, monkeypatch):
    torch, ot = pot_with_torch(monkeypatch)
    rng = np.random.default_rng([int(p), weighted, ties])
    R, n, m = 4, 9, 6
    u, uw = _sample(rng, (R, n), weighted)
    v, vw = _sample(rng, (R, m), weighted)
    if ties:  # values shared by u and v (a gap of 0: sign(0) = 0 in both) and repeated within u
        u = np.round(u)
        v = np.round(v)
    _, grads = evaluate(W1D, [u, v, uw, vw], {"p": p})
    gu, gv = _pot_gradients(torch, ot, u, v, uw, vw, p)
    if not ties:
        assert relative_error(grads[0], gu) < 1e-12 and relative_error(grads[1], gv) < 1e-12
    else:  # tied values: the same total per group of equal values (the split inside a group is a convention)
        for G, P, x in ((grads[0], gu, u), (grads[1], gv, v)):
            for r in range(R):
                for val in np.unique(x[r]):
                    sel = x[r] == val
                    assert abs(G[r, sel].sum() - P[r, sel].sum()) <= 1e-12 * max(np.abs(P).max(), 1e-300)


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("case", ["generic", "equal-levels", "ties-and-zeros"])
def test_dual_potentials_are_feasible_and_optimal(p, case):
    rng = np.random.default_rng([int(2 * p), len(case)])
    n, m = (8, 8) if case == "equal-levels" else (9, 5)
    x, y = rng.standard_normal(n), rng.standard_normal(m) + 0.3
    a = None if case == "equal-levels" else rng.random(n) + 0.1
    b = None if case == "equal-levels" else rng.random(m) + 0.1
    if case == "ties-and-zeros":
        x[:3] = y[:3] = np.round(x[:3])
        a[2], b[4] = 0.0, 0.0  # type: ignore[index]
    u = matching1d.sort_rows(x[None], None if a is None else a[None])
    v = matching1d.sort_rows(y[None], None if b is None else b[None])
    i, j, dm = matching1d.monotone_matching(u, v)
    cost = np.abs(matching1d.gather(u.values, i) - matching1d.gather(v.values, j)) ** p
    fs, gs = matching1d.dual_potentials(i, cost, u, v)
    f, g = matching1d.unsort(fs, u.order)[0], matching1d.unsort(gs, v.order)[0]
    C = np.abs(x[:, None] - y[None, :]) ** p
    assert (f[:, None] + g[None, :] <= C + 1e-13 * C.max()).all()
    ah = np.full(n, 1.0 / n) if a is None else a / a.sum()
    bh = np.full(m, 1.0 / m) if b is None else b / b.sum()
    wpp = float(pydiv.wasserstein_1d(x, y, a, b, p=p)) ** p
    assert abs(ah @ f + bh @ g - wpp) <= 1e-13 * C.max()
    assert (dm >= 0).all() and abs(dm.sum() - 1.0) < 1e-15


@pytest.mark.parametrize("p", PS)
def test_equal_sizes_uniform_weights_match_the_closed_form(p):
    rng = np.random.default_rng(int(p))
    n = 20000
    x, y = rng.standard_normal(n), rng.standard_normal(n) * 1.5 + 0.1
    value, grads = evaluate(W1D, [x, y, None, None], {"p": p})
    ox, oy = np.argsort(x), np.argsort(y)
    s = x[ox] - y[oy]
    wpp = np.mean(np.abs(s) ** p)
    expected = np.empty(n)
    expected[ox] = np.sign(s) * np.abs(s) ** (p - 1.0) / n * wpp ** (1.0 / p - 1.0)
    assert relative_error(grads[0], expected) < 1e-12
    assert relative_error(grads[1][oy], -expected[ox]) < 1e-12


@pytest.mark.parametrize("op,p", [(W1D, 1.0), (W1D, 2.0), (W1D, 3.0), (ENERGY, 1.0)], ids=lambda x: getattr(x, "name", x))
def test_gradients_scale_exactly_over_two_hundred_orders_of_magnitude(op, p):
    rng = np.random.default_rng(7)
    arrays = _arrays(rng, ((2, 7), (2, 5)), True)
    options = {"p": p} if op is W1D else {}
    _, base = evaluate(op, arrays, options)
    power = 1.0 if op is W1D else 0.5  # W_p scales with the values, the energy distance with their root
    for s in (1e-100, 1e-50, 1e-7, 1e20, 1e100):
        scaled = [arrays[0] * s, arrays[1] * s, arrays[2], arrays[3]]
        _, grads = evaluate(op, scaled, options)
        for k, factor in ((0, s ** (power - 1.0)), (1, s ** (power - 1.0)), (2, s ** power), (3, s ** power)):
            assert relative_error(grads[k] / factor, base[k]) < 1e-12, (s, k)


def test_conventions_at_zero_gaps_and_zero_distance():
    # p = 1 and a gap of exactly 0: that piece contributes 0 (sign(0) = 0)
    _, grads = evaluate(W1D, [np.array([0.0, 1.0]), np.array([0.0, 3.0]), None, None], {"p": 1.0})
    np.testing.assert_array_equal(grads[0], [0.0, -0.5])
    # W = 0: every gradient 0, for every p
    x = np.array([0.0, 1.0, 2.0])
    for p in PS:
        _, grads = evaluate(W1D, [x, x.copy(), np.ones(3), np.ones(3)], {"p": p})
        assert all(not G.any() for G in grads)
    _, grads = evaluate(ENERGY, [x, x.copy(), None, None], {})
    assert not grads[0].any() and not grads[1].any()


def test_energy_ties_use_the_symmetric_mid_cdf():
    # energy^2 = 2E|X-Y| - E|X-X'| - E|Y-Y'|: its derivative with sign(0) = 0, tied values included
    rng = np.random.default_rng(3)
    x, y = np.round(rng.standard_normal(9)), np.round(rng.standard_normal(6))
    a, b = rng.random(9) + 0.1, rng.random(6) + 0.1
    value, grads = evaluate(ENERGY, [x, y, a, b], {})
    ah, bh = a / a.sum(), b / b.sum()
    dx = 2 * ah * (np.sign(x[:, None] - y[None, :]) @ bh - np.sign(x[:, None] - x[None, :]) @ ah)
    dy = 2 * bh * (np.sign(y[:, None] - x[None, :]) @ ah - np.sign(y[:, None] - y[None, :]) @ bh)
    assert relative_error(grads[0], dx / (2 * value)) < 1e-12
    assert relative_error(grads[1], dy / (2 * value)) < 1e-12


def test_float32_input_and_errors():
    rng = np.random.default_rng(2)
    u, v = rng.standard_normal(6).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    value, grads = evaluate(W1D, [u, v, None, None], {"p": 2.0})
    assert value == pydiv.wasserstein_1d(u, v, p=2.0) and grads[0].dtype == np.float64
    with pytest.raises(ValueError, match="rows"):
        W1D.value_shape([(3, 4), (2, 4), None, None], {})
    with pytest.raises(ValueError, match="p must be"):
        W1D.evaluate([u, v, None, None], {"p": 0.5}, (True, True, False, False))
    with pytest.raises(TypeError, match="wasserstein_1d"):
        W1D.split((u, v), {"q": 1})


def test_a_far_zero_weight_value_leaves_the_value_gradients_finite():
    # (gap / W)^p of the zero-weight value overflows; it carries no mass, so its gradient is 0
    u, v = np.array([0.0, 1.0, 1e30]), np.array([0.5, 2.0])
    uw, vw = np.array([1.0, 1.0, 0.0]), np.array([1.0, 2.0])
    value, grads = W1D.evaluate([u, v, uw, vw], {"p": 20.0}, (True, True, False, False))
    _, near = W1D.evaluate([u[:2], v, uw[:2], vw], {"p": 20.0}, (True, True, False, False))
    assert grads[0][2] == 0.0 and relative_error(grads[0][:2], near[0]) < 1e-14
    assert relative_error(grads[1], near[1]) < 1e-14


def _exact_w2_gradients(x, y, a, b):
    """d W_2 / d values from the quantile coupling in exact rational arithmetic (levels, masses, sums)."""
    ox, oy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")

    def levels(w, order):
        total, run, out = sum(Fraction(float(q)) for q in w), Fraction(0), []
        for k in order:
            run += Fraction(float(w[k]))
            out.append(run / total)
        return out

    cu, cv = levels(a, ox), levels(b, oy)
    i = j = 0
    lo, wpp = Fraction(0), Fraction(0)
    gu, gv = [Fraction(0)] * len(x), [Fraction(0)] * len(y)
    while i < len(x) and j < len(y):
        hi = min(cu[i], cv[j])
        s = Fraction(float(x[ox[i]])) - Fraction(float(y[oy[j]]))
        wpp += (hi - lo) * s * s
        gu[i] += (hi - lo) * s
        gv[j] -= (hi - lo) * s
        lo = hi
        i, j = i + (cu[i] == hi), j + (cv[j] == hi)
    w = float(wpp) ** 0.5  # d W_2 = d W_2^2 / (2 W_2), d W_2^2 / d x = 2 sum dm s
    ex, ey = np.empty(len(x)), np.empty(len(y))
    ex[ox], ey[oy] = [float(g) / w for g in gu], [float(g) / w for g in gv]
    return ex, ey


@pytest.mark.parametrize("weighted", [False, True])
def test_value_gradients_equal_an_exact_rational_reference(weighted):
    # with n, m in the hundreds POT differs from the exact gradient by ~1e-12 (differences of
    # rounded CDF levels); uniform levels here are exact integers over n m
    rng = np.random.default_rng(weighted)
    x, y = rng.standard_normal(150), rng.standard_normal(110) + 0.2
    a = rng.random(150) + 0.1 if weighted else np.ones(150)
    b = rng.random(110) + 0.1 if weighted else np.ones(110)
    _, grads = evaluate(W1D, [x, y, a if weighted else None, b if weighted else None], {"p": 2.0})
    ex, ey = _exact_w2_gradients(x, y, a, b)
    tol = 1e-13 if weighted else 1e-15
    assert relative_error(grads[0], ex) < tol and relative_error(grads[1], ey) < tol
