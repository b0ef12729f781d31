"""pydiv.jax: values equal the NumPy API's; gradients pass check_grads under grad, jit and vmap."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax.test_util import check_grads  # noqa: E402

import pydiv  # noqa: E402
import pydiv.jax as pj  # noqa: E402
from autodiff_cases import CASES, cases, numpy_value, symmetrised  # noqa: E402
from pydiv.autodiff import ops  # noqa: E402

NAMES = sorted(CASES)


def _split(op, args):
    """The differentiable array arguments, and a function of them with the rest fixed."""
    diff = [k for k, (name, a) in enumerate(zip(op.arrays, args)) if isinstance(a, np.ndarray)
            and name in op.differentiable]
    return diff, [jnp.asarray(args[k]) for k in diff]


def _fixed(fn, args, diff, kwargs, op=None):
    def f(*xs):
        full = [jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
        for k, x in zip(diff, xs):
            full[k] = x
        if op is not None:
            full = symmetrised(op, full, lambda t: jnp.swapaxes(t, -1, -2))
        return fn(*full, **kwargs)
    return f


def test_every_op_has_an_adapter():
    for name in ops():
        assert callable(getattr(pj, name)) and name in pj.__all__


@pytest.mark.parametrize("name", NAMES)
def test_value_equals_numpy_also_under_jit(name):
    op = ops()[name]
    for args, kwargs in cases(name):
        diff, xs = _split(op, args)
        f = _fixed(getattr(pj, name), args, diff, kwargs, op)
        want = numpy_value(getattr(pydiv, name)(*args, **kwargs))
        np.testing.assert_array_equal(np.asarray(f(*xs)), want)
        assert f(*xs).shape == want.shape
        np.testing.assert_array_equal(np.asarray(jax.jit(f)(*xs)), want)


@pytest.mark.parametrize("name", NAMES)
def test_check_grads(name):
    op = ops()[name]
    for args, kwargs in cases(name):
        diff, xs = _split(op, args)
        f = _fixed(getattr(pj, name), args, diff, kwargs, op)
        check_grads(f, xs, order=1, modes=["rev"], eps=1e-6, atol=1e-7, rtol=1e-6)
        check_grads(jax.jit(f), xs, order=1, modes=["rev"], eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_vmap_equals_a_loop(name):
    op = ops()[name]
    args, kwargs = cases(name)[0]
    diff, xs = _split(op, args)
    f = _fixed(getattr(pj, name), args, diff, kwargs, op)
    stacked = [jnp.stack([x, 1.5 * x + 0.01]) for x in xs]
    loss = lambda *a: jnp.sum(f(*a))  # noqa: E731
    got = jax.vmap(jax.grad(loss, argnums=tuple(range(len(xs)))))(*stacked)
    for b in range(2):
        want = jax.grad(loss, argnums=tuple(range(len(xs))))(*(s[b] for s in stacked))
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g[b]), np.asarray(w), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(np.asarray(jax.vmap(f)(*stacked)[1]), np.asarray(f(*(s[1] for s in stacked))),
                               rtol=1e-15)


def test_kl_gradient_equals_jax_grad_of_the_plain_formula():
    rng = np.random.default_rng(3)
    p, q = jnp.asarray(rng.random(6) + 0.05), jnp.asarray(rng.random(6) + 0.05)

    def plain(p, q):
        P, Q = p / p.sum(), q / q.sum()
        return jnp.sum(P * jnp.log(P / Q))

    for got, want in zip(jax.grad(pj.kl_divergence, (0, 1))(p, q), jax.grad(plain, (0, 1))(p, q)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-14)


def test_float32_by_default_dtype():
    p = jnp.asarray([0.2, 0.3, 0.5], dtype=jnp.float32)
    q = jnp.asarray([0.1, 0.6, 0.3], dtype=jnp.float32)
    assert pj.kl_divergence(p, q).dtype == jnp.float32
    g = jax.grad(pj.kl_divergence)(p, q)
    assert g.dtype == jnp.float32 and bool(jnp.isfinite(g).all())


def test_bad_input_is_refused_naming_the_argument():
    p = jnp.asarray([0.2, 0.8])
    with pytest.raises(TypeError, match="q must be a floating-point tensor"):
        pj.kl_divergence(p, jnp.asarray([1, 2]))
    with pytest.raises(TypeError, match="different dtypes"):
        pj.kl_divergence(p, jnp.asarray([0.5, 0.5], dtype=jnp.float32))
    with pytest.raises(ValueError, match="axis"):
        pj.kl_divergence(p, p, axis=3)
    with pytest.raises(TypeError, match="kl_divergence"):
        pj.kl_divergence(p, p, bogus=1)


@contextlib.contextmanager
def host_calls(name, argument):
    """The shapes of argument ``argument`` in each host call of op ``name`` while the block runs."""
    op = ops()[name]
    calls = []
    evaluate = op.evaluate

    def counting(arrays, options, wants):
        calls.append(np.shape(arrays[argument]))
        return evaluate(arrays, options, wants)

    object.__setattr__(op, "evaluate", counting)  # Op is frozen; restored below
    try:
        yield calls
    finally:
        object.__setattr__(op, "evaluate", evaluate)


def test_vmap_of_emd2_is_one_batched_host_call():
    rng = np.random.default_rng(9)
    a = jnp.full(5, 0.2)
    Ms = jnp.asarray(rng.random((6, 5, 5)))
    with host_calls("emd2", 2) as calls:
        values, grads = jax.vmap(jax.value_and_grad(lambda M: pj.emd2(a, a, M)))(Ms)
    assert calls == [(6, 5, 5)]
    for k in range(6):
        assert float(values[k]) == pydiv.emd2(np.full(5, 0.2), np.full(5, 0.2), np.asarray(Ms[k]))
        assert np.allclose(np.asarray(grads[k]).sum(axis=1), 0.2)


def test_batch_shapes_that_do_not_match_are_refused():
    M = jnp.ones((3, 4, 4))
    with pytest.raises(ValueError):
        pj.emd2(jnp.full((2, 4), 0.25), jnp.full(4, 0.25), M)


def test_vmap_of_gaussian_wasserstein_is_one_host_call_equal_to_a_loop():
    rng = np.random.default_rng(10)
    ms = jnp.asarray(rng.standard_normal((4, 3)))
    S = jnp.asarray(np.eye(3) * 1.5)
    f = jax.vmap(jax.value_and_grad(lambda m: pj.gaussian_wasserstein(m, S, jnp.zeros(3), jnp.eye(3))))
    with host_calls("gaussian_wasserstein", 0) as calls:
        values, grads = f(ms)
    assert calls == [(4, 3)]
    for k in range(4):
        want = pydiv.gaussian_wasserstein(np.asarray(ms[k]), np.eye(3) * 1.5, np.zeros(3), np.eye(3))
        np.testing.assert_allclose(float(values[k]), want, rtol=1e-15)


def test_second_derivatives_are_refused_not_zero():
    q = jnp.asarray([0.1, 0.6, 0.3])
    with pytest.raises(Exception, match="(?i)callback|jvp|differentiat"):
        jax.hessian(lambda p: pj.kl_divergence(p, q))(jnp.asarray([0.2, 0.3, 0.5]))


def test_gradients_not_provided_are_refused_and_only_asked_ones_computed():
    rng = np.random.default_rng(12)
    x, y = jnp.asarray(rng.standard_normal((5, 2))), jnp.asarray(rng.standard_normal((4, 2)))
    a = jnp.full(5, 0.2)
    with pytest.raises(ValueError, match="no gradient with respect to a"):
        jax.grad(lambda w: pj.wasserstein_nd(x, y, w))(a)
    gx = jax.grad(lambda z: pj.wasserstein_nd(z, y, a))(x)  # the weights as constants: fine
    assert gx.shape == (5, 2)
    p, q = jnp.asarray([0.2, 0.3, 0.5]), jnp.asarray([0.1, 0.6, 0.3])
    with host_calls("kl_divergence", 0) as calls:
        jax.grad(lambda s: pj.kl_divergence(p, s))(q)
    assert calls == [(3,)]


def test_bad_data_raises_pydivs_error_outside_transformations():
    with pytest.raises(ValueError, match="p"):
        pj.entropy(jnp.asarray([jnp.nan, 1.0]))
    with pytest.raises(ValueError, match="p"):
        pj.kl_divergence(jnp.asarray([-1.0, 2.0]), jnp.asarray([0.5, 0.5]))


def test_traced_options_are_refused_and_concrete_ones_accepted():
    rng = np.random.default_rng(13)
    D = jnp.asarray(rng.standard_normal((5, 2)))
    X = jnp.asarray(rng.standard_normal((4, 2)))
    with pytest.raises(TypeError, match="directions must be a concrete array"):
        jax.jit(lambda d: pj.sliced_wasserstein(X, X + 1, directions=d))(D)
    with pytest.raises(TypeError, match="directions must be a concrete array"):
        jax.grad(lambda d: pj.sliced_wasserstein(X, X + 1, directions=d))(D)
    g = jax.jit(jax.grad(lambda x: pj.sliced_wasserstein(x, X + 1, directions=D)))(X)
    want = pydiv.sliced_wasserstein(np.asarray(X), np.asarray(X) + 1, directions=np.asarray(D))
    assert g.shape == (4, 2)
    assert float(pj.sliced_wasserstein(X, X + 1, directions=D)) == want
