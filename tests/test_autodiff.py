"""pydiv.autodiff: every op's shapes agree with what it computes, and its vjp with finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from autodiff_cases import CASES, cases, numpy_value, symmetrised
from pydiv.autodiff import ops, sum_to, vjp


@pytest.mark.parametrize("name", sorted(CASES))
def test_shapes_are_what_evaluate_returns(name):
    op = ops()[name]
    for args, kwargs in cases(name):
        arrays, options = op.split(args, kwargs)
        shapes = [None if a is None else np.shape(a) for a in arrays]
        wants = tuple(a is not None and n in op.differentiable for n, a in zip(op.arrays, arrays))
        value, grads = op.evaluate(arrays, options, wants)
        assert value.dtype == np.float64 and value.shape == op.value_shape(shapes, options)
        for i, G in enumerate(grads):
            if wants[i]:
                assert G is not None and G.shape == op.grad_shape(shapes, options, i)
            else:
                assert G is None


@pytest.mark.parametrize("name", sorted(CASES))
def test_vjp_equals_central_differences(name):
    op = ops()[name]
    rng = np.random.default_rng(5)
    for args, kwargs in cases(name):
        arrays, options = op.split(args, kwargs)
        shapes = [None if a is None else np.shape(a) for a in arrays]
        wants = tuple(a is not None and n in op.differentiable for n, a in zip(op.arrays, arrays))
        value, grads = op.evaluate(arrays, options, wants)
        g = rng.standard_normal(value.shape)
        got = vjp(op, shapes, options, grads, g)
        for i, a in enumerate(arrays):
            if not wants[i]:
                continue
            h = 1e-6 * max(1.0, float(np.abs(a).max()))
            num = np.zeros_like(a)
            for idx in np.ndindex(a.shape):
                up, down = list(arrays), list(arrays)
                up[i] = a.copy()
                up[i][idx] += h
                down[i] = a.copy()
                down[i][idx] -= h
                up, down = (symmetrised(op, z, lambda t: np.swapaxes(t, -1, -2)) for z in (up, down))
                num[idx] = np.sum(g * (numpy_value(op.function(*up, **options)) - numpy_value(op.function(*down, **options)))) / (2 * h)
            np.testing.assert_allclose(got[i], num, rtol=1e-6, atol=1e-7 * max(1.0, np.abs(num).max()))


def test_sum_to_reduces_broadcast_axes():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(sum_to(x, (4,)), x.sum(axis=(0, 1)))
    np.testing.assert_array_equal(sum_to(x, (3, 1)), x.sum(axis=0).sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(sum_to(x, (2, 3, 4)), x)


@pytest.mark.parametrize("kind", ["entropy", "cross_entropy", "kl_divergence", "js_divergence"])
@pytest.mark.parametrize("e", [-150, 0, 150])
def test_information_fast_path_equals_the_general_one(kind, e):
    # Strictly positive inputs take a few fused passes using the kernel's value; inputs with zeros the
    # general path with its conventions.  Where both apply they agree.
    from pydiv import info
    from pydiv.autodiff.info_ops import _along_axis, _general_gradients, _positive_gradients

    rng = np.random.default_rng(6)
    arrays = [rng.random((3, 7)) * 10.0**e + 1e-3 * 10.0**e, rng.random(7) + 1e-3][: 1 if kind == "entropy" else 2]
    full = (3, 7)
    value = np.asarray(getattr(info, kind)(*arrays))[:, None]
    fast = _positive_gradients(kind, [_along_axis(a, full, 1) for a in arrays], 1, value)
    general = _general_gradients(kind, arrays, full, 1)
    for f, g in zip(fast, general):
        np.testing.assert_allclose(np.broadcast_to(f, full), g, rtol=1e-12, atol=1e-14 * np.abs(g).max())


def test_positional_parameters_are_the_arrays_and_split_agrees_with_bind():
    # Op.split's fast path relies on every public signature taking its arrays positionally first and
    # its options by keyword only; it must read a call exactly as inspect's binding does.
    rng = np.random.default_rng(8)
    for name, op in ops().items():
        positional = [p.name for p in op.signature.parameters.values() if p.kind in (p.POSITIONAL_ONLY,
                                                                                     p.POSITIONAL_OR_KEYWORD)]
        assert tuple(positional) == op.arrays, name
        for args, kwargs in cases(name):
            for k in range(len(args) + 1):
                moved = dict(kwargs, **dict(zip(op.arrays[k:len(args)], args[k:])))
                arrays, options = op.split(args[:k], moved)
                bound = op.signature.bind(*args[:k], **moved).arguments
                assert [id(a) for a in arrays] == [id(bound.get(n)) for n in op.arrays]
                assert options == {n: v for n, v in bound.items() if n not in op.arrays}
    with pytest.raises(TypeError, match="kl_divergence"):
        ops()["kl_divergence"].split((rng.random(3), rng.random(3), 2.0), {})


@pytest.mark.parametrize("kind", ["entropy", "cross_entropy", "kl_divergence", "js_divergence"])
@pytest.mark.parametrize("t", [1e-45, 1e-200, 1e200])
def test_information_gradients_scale_exactly_with_the_inputs(kind, t):
    # f(t p) = f(p), so grad f(t p) = grad f(p) / t.  At t = 1e-45 the entropy's fast path once took
    # log(sum p) - log(p_i), two numbers near -104 whose difference lost digits (found by hypothesis);
    # it now takes log(p_i / sum p).  The others carry the kernel value's own rounding at such scales
    # (about 1e-14 absolute: the value sums logs near -104), inside the project's 1e-12.
    p, q = np.array([2.62612134e-1, 2.99491143e-1, 0.4]), np.array([0.3, 0.3, 0.4])
    op = ops()[kind]
    arrays = [p] if kind == "entropy" else [p, q]
    scaled = [p * t] if kind == "entropy" else [p * t, q * t]
    _, plain = op.evaluate(arrays, {}, (True,) * len(arrays))
    _, big = op.evaluate(scaled, {}, (True,) * len(arrays))
    rtol = 2e-15 if kind == "entropy" else 1e-12
    for g, G in zip(plain, big):
        np.testing.assert_allclose(G * t, g, rtol=rtol, atol=1e-15 * np.abs(g).max())
