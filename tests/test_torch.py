"""pydiv.torch: values equal the NumPy API's, gradients pass gradcheck, bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import pydiv  # noqa: E402
import pydiv.torch as pt  # noqa: E402
from autodiff_cases import CASES, cases, numpy_value, symmetrised  # noqa: E402
from pydiv.autodiff import ops  # noqa: E402

NAMES = sorted(CASES)


def _tensors(op, args, requires_grad=True, dtype=torch.float64):
    out = []
    for name, a in zip(op.arrays, args):
        if isinstance(a, np.ndarray):
            t = torch.tensor(a, dtype=dtype)
            out.append(t.requires_grad_(requires_grad and name in op.differentiable))
        else:
            out.append(a)
    return tuple(out) + tuple(args[len(op.arrays):])


def test_every_op_has_cases_and_an_adapter():
    assert set(ops()) == set(CASES)
    for name in ops():
        assert callable(getattr(pt, name)) and name in pt.__all__


@pytest.mark.parametrize("name", NAMES)
def test_value_equals_numpy(name):
    op = ops()[name]
    for args, kwargs in cases(name):
        got = getattr(pt, name)(*_tensors(op, args), **kwargs)
        want = numpy_value(getattr(pydiv, name)(*args, **kwargs))
        assert isinstance(got, torch.Tensor) and got.dtype == torch.float64 and got.shape == want.shape
        np.testing.assert_array_equal(got.detach().numpy(), want)


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck(name):
    op = ops()[name]
    fn = getattr(pt, name)
    for args, kwargs in cases(name):
        tensors = _tensors(op, args)
        diff = [k for k, t in enumerate(tensors) if isinstance(t, torch.Tensor) and t.requires_grad]

        def f(*xs, tensors=tensors, diff=diff, kwargs=kwargs):
            full = list(tensors)
            for k, x in zip(diff, xs):
                full[k] = x
            return fn(*symmetrised(op, full, lambda t: t.transpose(-1, -2)), **kwargs)

        assert torch.autograd.gradcheck(f, [tensors[k] for k in diff], eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_float32_in_float32_out(name):
    op = ops()[name]
    args, kwargs = cases(name)[0]
    tensors = _tensors(op, args, dtype=torch.float32)
    out = getattr(pt, name)(*tensors, **kwargs)
    assert out.dtype == torch.float32
    out.sum().backward()
    for t in tensors:
        if isinstance(t, torch.Tensor) and t.requires_grad:
            assert t.grad is not None and t.grad.dtype == torch.float32 and torch.isfinite(t.grad).all()


def test_no_grad_and_detached_inputs_compute_values_only():
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.1, 0.6, 0.3], dtype=torch.float64)
    with torch.no_grad():
        out = pt.kl_divergence(p, q)
    assert not out.requires_grad
    assert pt.kl_divergence(p, q).requires_grad


def test_kl_gradient_equals_autograd_of_the_plain_formula():
    rng = np.random.default_rng(1)
    p0, q0 = rng.random((4, 6)) + 0.05, rng.random((4, 6)) + 0.05
    p = torch.tensor(p0, requires_grad=True)
    q = torch.tensor(q0, requires_grad=True)
    weights = torch.tensor(rng.random(4))
    (pt.kl_divergence(p, q) * weights).sum().backward()
    p2 = torch.tensor(p0, requires_grad=True)
    q2 = torch.tensor(q0, requires_grad=True)
    P, Q = p2 / p2.sum(-1, keepdim=True), q2 / q2.sum(-1, keepdim=True)
    ((P * (P / Q).log()).sum(-1) * weights).sum().backward()
    torch.testing.assert_close(p.grad, p2.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(q.grad, q2.grad, rtol=1e-12, atol=1e-14)


def test_js_gradient_equals_autograd_of_the_plain_formula():
    rng = np.random.default_rng(2)
    p0, q0 = rng.random(7) + 0.05, rng.random(7) + 0.05
    p, q = torch.tensor(p0, requires_grad=True), torch.tensor(q0, requires_grad=True)
    pt.jensenshannon(p, q, base=2.0).backward()
    p2, q2 = torch.tensor(p0, requires_grad=True), torch.tensor(q0, requires_grad=True)
    P, Q = p2 / p2.sum(), q2 / q2.sum()
    M = (P + Q) / 2
    js = 0.5 * (P * (P / M).log()).sum() + 0.5 * (Q * (Q / M).log()).sum()
    (js / np.log(2.0)).sqrt().backward()
    torch.testing.assert_close(p.grad, p2.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(q.grad, q2.grad, rtol=1e-12, atol=1e-14)


def test_conventions_at_zeros_and_infinities():
    p = torch.tensor([0.5, 0.5, 0.0], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.5, 0.0, 0.5], dtype=torch.float64, requires_grad=True)
    kl = pt.kl_divergence(p, q)
    assert torch.isinf(kl)
    kl.backward()
    assert torch.equal(p.grad, torch.zeros(3, dtype=torch.float64)) and torch.equal(q.grad, torch.zeros(3, dtype=torch.float64))
    p.grad = q.grad = None
    pt.js_divergence(p, q).backward()
    assert torch.isfinite(p.grad).all() and torch.isfinite(q.grad).all()
    same = torch.tensor([0.3, 0.7], dtype=torch.float64, requires_grad=True)
    d = pt.jensenshannon(same, same.detach().clone())
    d.backward()
    assert float(d.detach()) == 0.0 and torch.equal(same.grad, torch.zeros(2, dtype=torch.float64))


def test_bad_input_is_refused_naming_the_argument():
    p = torch.tensor([0.2, 0.8], dtype=torch.float64)
    with pytest.raises(TypeError, match="q must be a floating-point tensor"):
        pt.kl_divergence(p, torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="different dtypes"):
        pt.kl_divergence(p, torch.tensor([0.5, 0.5], dtype=torch.float32))
    with pytest.raises(TypeError, match="p must be a floating-point tensor"):
        pt.entropy(torch.tensor([0.5 + 1j, 0.5]))
    with pytest.raises(ValueError, match="p"):
        pt.kl_divergence(torch.tensor([-0.2, 1.2], dtype=torch.float64), p)
    with pytest.raises(ValueError, match="broadcast|shape"):
        pt.kl_divergence(torch.ones(3, dtype=torch.float64), torch.ones(4, dtype=torch.float64))
    with pytest.raises(TypeError, match="kl_divergence"):
        pt.kl_divergence(p, p, bogus=1)
    with pytest.raises(TypeError, match="dtype"):
        pt.kl_divergence(p, p, dtype=np.float32)  # the tensor's dtype is the output's


def test_meta_device_tensors_are_refused_against_cpu_ones():
    p = torch.tensor([0.2, 0.8], dtype=torch.float64)
    with pytest.raises(ValueError, match="different devices"):
        pt.kl_divergence(p, torch.empty(2, dtype=torch.float64, device="meta"))


@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf:UserWarning")  # dynamo's own
def test_torch_compile_runs_the_adapter():
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.1, 0.6, 0.3], dtype=torch.float64)

    def loss(x):
        return pt.kl_divergence(torch.softmax(x, -1), q) * 2.0

    compiled = torch.compile(loss, backend="eager")
    out = compiled(p)
    out.backward()
    p2 = p.detach().clone().requires_grad_(True)
    loss(p2).backward()
    torch.testing.assert_close(out, loss(p2.detach()))
    torch.testing.assert_close(p.grad, p2.grad)


def test_batch_shapes_that_do_not_match_are_refused():
    M = torch.ones((3, 4, 4), dtype=torch.float64, requires_grad=True)
    w = torch.full((4,), 0.25, dtype=torch.float64)
    with pytest.raises(ValueError):
        pt.emd2(torch.full((2, 4), 0.25, dtype=torch.float64), w, M)
    with pytest.raises(ValueError):
        pt.wasserstein_nd(torch.ones((2, 3, 2), dtype=torch.float64), torch.ones((3, 3, 2), dtype=torch.float64))
    with pytest.raises(ValueError):
        pt.emd2(w, w, torch.ones((4, 5), dtype=torch.float64))


def test_second_derivatives_are_refused_not_zero():
    # The backward pass multiplies by gradients held as constants; differentiating it again would give a
    # silently wrong zero Hessian (or a gradient penalty that contributes nothing), so it raises instead.
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.1, 0.6, 0.3], dtype=torch.float64)
    (g,) = torch.autograd.grad(pt.kl_divergence(p, q), p, create_graph=True)
    assert g.requires_grad
    with pytest.raises(RuntimeError, match="pydiv.torch.kl_divergence: second derivatives are not provided"):
        g.sum().backward()
    with pytest.raises(RuntimeError, match="second derivatives are not provided"):
        torch.autograd.functional.hessian(pt.entropy, torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64))
    X = torch.randn(5, 2, dtype=torch.float64, requires_grad=True)
    (gx,) = torch.autograd.grad(pt.wasserstein_nd(X, torch.randn(4, 2, dtype=torch.float64)), X, create_graph=True)
    with pytest.raises(RuntimeError, match="wasserstein_nd: second derivatives"):
        (gx**2).sum().backward()  # a WGAN-GP style penalty must not silently vanish
    (g1,) = torch.autograd.grad(pt.kl_divergence(p, q), p)  # without create_graph: a plain gradient
    torch.testing.assert_close(g1, g.detach())


def test_requires_grad_where_no_gradient_is_provided_is_refused():
    # wasserstein_nd's weights and sliced directions are constants: a tensor asking for their gradient is
    # told so rather than left with a silent None.
    x = torch.randn(5, 2, dtype=torch.float64)
    y = torch.randn(4, 2, dtype=torch.float64)
    a = torch.full((5,), 0.2, dtype=torch.float64, requires_grad=True)
    with pytest.raises(ValueError, match="no gradient with respect to a"):
        pt.wasserstein_nd(x, y, a)
    assert float(pt.wasserstein_nd(x, y, a.detach())) == pydiv.wasserstein_nd(x.numpy(), y.numpy())
    theta = torch.randn(8, 2, dtype=torch.float64, requires_grad=True)
    with pytest.raises(ValueError, match="directions is a constant"):
        pt.sliced_wasserstein(x, y, directions=theta)
    xg = x.clone().requires_grad_(True)
    out = pt.sliced_wasserstein(xg, y, directions=theta.detach())
    out.backward()
    assert float(out.detach()) == pydiv.sliced_wasserstein(x.numpy(), y.numpy(), directions=theta.detach().numpy())
    with torch.no_grad():
        pt.wasserstein_nd(x, y, a)  # no gradient asked for: fine


def test_emd2_accepts_float32_weights_that_agree_to_float32_rounding():
    # ones/7 and ones/5 (or two softmax outputs) in float32 sum to 1 only within ~3e-8.
    torch.manual_seed(3)
    M = torch.rand(7, 5, requires_grad=True)
    for a, b in ((torch.ones(7) / 7, torch.ones(5) / 5),
                 (torch.softmax(torch.randn(7), 0), torch.softmax(torch.randn(5), 0))):
        cost = pt.emd2(a, b, M)
        cost.backward()
        assert cost.dtype == torch.float32 and torch.isfinite(M.grad).all()
        want = pydiv.emd2(a.double().numpy(), b.double().numpy(), M.detach().double().numpy(), normalize=True)
        assert abs(float(cost.detach()) - want) <= 1e-6 * want
        M.grad = None
    with pytest.raises(ValueError, match="mass"):
        pt.emd2(torch.ones(7) / 7, torch.ones(5) / 4, M)  # a real mismatch is still refused


def test_array_likes_keep_their_precision_and_odd_dtypes_are_refused():
    out = pt.kl_divergence(np.array([0.2, 0.8]), np.array([0.5, 0.5]))
    assert out.dtype == torch.float64 and float(out) == pydiv.kl_divergence([0.2, 0.8], [0.5, 0.5])
    with pytest.raises(TypeError, match="p has dtype torch.bfloat16"):
        pt.entropy(torch.tensor([0.2, 0.8], dtype=torch.bfloat16))


def test_wasserstein_nd_batch_against_one_cloud_broadcasts():
    torch.manual_seed(4)
    X = torch.randn(3, 5, 2, dtype=torch.float64, requires_grad=True)
    Y = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    out = pt.wasserstein_nd(X, Y)
    out.sum().backward()
    assert out.shape == (3,) and Y.grad.shape == (4, 2)
    gy = torch.zeros(4, 2, dtype=torch.float64)
    for k in range(3):
        y = Y.detach().clone().requires_grad_(True)
        value = pt.wasserstein_nd(X[k].detach(), y)
        value.backward()
        assert float(value.detach()) == float(out[k].detach())
        gy += y.grad
    torch.testing.assert_close(Y.grad, gy, rtol=1e-13, atol=1e-15)
