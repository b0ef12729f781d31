"""pydiv.stream: chunked and merged accumulators equal the one-shot functions."""

import math
import pickle

import numpy as np
import pytest

import pydiv
import reference as ref
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence

rng = np.random.default_rng(7)


def chunks(x, sizes):
    out, start = [], 0
    for s in sizes:
        out.append(x[..., start : start + s])
        start += s
    return out


# Counts streamed in uneven chunks give the one-shot value to 1e-12.
@pytest.mark.parametrize("cls, func", [(KLDivergence, pydiv.kl_divergence), (CrossEntropy, pydiv.cross_entropy)])
def test_chunks_equal_one_shot(cls, func):
    p = rng.integers(0, 50, 10_000).astype(float)
    q = rng.integers(1, 50, 10_000).astype(float)
    acc = cls()
    for pc, qc in zip(chunks(p, [1, 999, 5000, 4000]), chunks(q, [1, 999, 5000, 4000])):
        acc.update(pc, qc)
    assert acc.result() == pytest.approx(func(p, q), rel=1e-12)
    assert acc.result(base=2) == pytest.approx(func(p, q, base=2), rel=1e-12)


def test_entropy_chunks():
    p = rng.random(1000)
    acc = Entropy()
    for pc in chunks(p, [10, 490, 500]):
        acc.update(pc)
    assert acc.result() == pytest.approx(pydiv.entropy(p), rel=1e-12)


# Chunks of very different magnitudes (each a scaled copy of the same
# distribution, so the one-shot value is known), in either order, merged or
# streamed: the state is kept in units of the largest chunk.
@pytest.mark.parametrize("scales", [(1e-310, 1e-310, 1e-310), (1e300, 1.0, 1e-300), (1e-300, 1.0, 1e300), (1e-320, 1e308, 1.0)])
def test_chunk_magnitudes(scales):
    p = rng.random(300)
    q = rng.random(300)
    parts = [(p * f, q * f) for f in scales]
    for cls, func in [(Entropy, pydiv.entropy), (KLDivergence, pydiv.kl_divergence), (CrossEntropy, pydiv.cross_entropy)]:
        want = func(np.concatenate([a for a, _ in parts]), np.concatenate([b for _, b in parts])) if cls is not Entropy \
            else func(np.concatenate([a for a, _ in parts]))
        streamed = cls()
        merged = cls()
        for a, b in parts:
            streamed.update(a) if cls is Entropy else streamed.update(a, b)
            merged.merge(cls().update(a) if cls is Entropy else cls().update(a, b))
        assert streamed.result() == pytest.approx(want, rel=1e-12, abs=1e-300)
        assert merged.result() == pytest.approx(want, rel=1e-12, abs=1e-300)


# Two workers' accumulators merge into the whole; accumulators pickle.
def test_merge_and_pickle():
    p = rng.random((3, 400))
    q = rng.random((3, 400))
    left = KLDivergence().update(p[:, :150], q[:, :150])
    right = KLDivergence().update(p[:, 150:], q[:, 150:])
    merged = pickle.loads(pickle.dumps(left)).merge(right)
    np.testing.assert_allclose(merged.result(), pydiv.kl_divergence(p, q), rtol=1e-12)


# JS needs the totals up front and then matches the one-shot value.
def test_js_with_totals():
    p = rng.random(600)
    q = rng.random(600)
    acc = JSDivergence(p_total=p.sum(), q_total=q.sum())
    for pc, qc in zip(chunks(p, [100, 500]), chunks(q, [100, 500])):
        acc.update(pc, qc)
    assert acc.result() == pytest.approx(pydiv.js_divergence(p, q), rel=1e-12)
    wrong = JSDivergence(p_total=1.0, q_total=1.0).update(p, q)
    with pytest.raises(ValueError, match="do not add up"):
        wrong.result()


# Support mismatch in any chunk makes KL infinite.
def test_inf_across_chunks():
    acc = KLDivergence().update([0.5, 0.0], [0.5, 0.5]).update([0.5], [0.0])
    assert acc.result() == math.inf


def test_zero_chunk_is_fine():
    acc = Entropy().update([0.0, 0.0]).update([1.0, 1.0])
    assert acc.result() == pytest.approx(math.log(2))


@pytest.mark.parametrize(
    "action, exc, match",
    [
        (lambda: KLDivergence().update([0.5, -1.0], [0.5, 0.5]), ValueError, "p_chunk has negative"),
        (lambda: KLDivergence().update([0.5, 0.5], [np.nan, 0.5]), ValueError, "q_chunk contains NaN"),
        (lambda: KLDivergence().update([0.5, 0.5]), TypeError, "needs q_chunk"),
        (lambda: Entropy().update([0.5], [0.5]), TypeError, "takes only p_chunk"),
        (lambda: Entropy().result(), ValueError, "no data"),
        (lambda: Entropy().update([0.0]).result(), ValueError, "p sums to zero"),
        (lambda: Entropy().update(np.ones((2, 3))).update(np.ones((3, 3))), ValueError, "batch shape"),
        (lambda: Entropy().merge(KLDivergence()), TypeError, "cannot merge"),
        (lambda: JSDivergence(p_total=0, q_total=1), ValueError, "p_total must be a positive"),
    ],
)
def test_bad_input(action, exc, match):
    with pytest.raises(exc, match=match):
        action()


# A chunk where p is all zero still carries q's terms of the JS sum: p only
# in the first chunk and q only in the second are disjoint, JS = log 2.
def test_js_chunk_with_zero_side():
    acc = JSDivergence(p_total=1, q_total=1).update([1.0], [0.0]).update([0.0], [1.0])
    assert acc.result() == pytest.approx(math.log(2), rel=1e-15)
    merged = JSDivergence(p_total=1, q_total=1).update([1.0], [0.0])
    merged.merge(JSDivergence(p_total=1, q_total=1).update([0.0], [1.0]))
    assert merged.result() == pytest.approx(math.log(2), rel=1e-15)


# A sparse stream with an empty chunk of p equals the one-shot JS.
def test_js_sparse_stream_with_empty_chunk():
    g = np.random.default_rng(3)
    p = g.random(1000) * (g.random(1000) < 0.05)
    q = g.random(1000) * (g.random(1000) < 0.05)
    p[200:400] = 0.0
    acc = JSDivergence(p_total=p.sum(), q_total=q.sum())
    for pc, qc in zip(chunks(p, [200, 200, 600]), chunks(q, [200, 200, 600])):
        acc.update(pc, qc)
    assert acc.result() == pytest.approx(pydiv.js_divergence(p, q), rel=1e-12)


# Rows of one chunk are scaled apart: a row of 1e-300s next to a row of
# 1e300s neither sums to zero nor gains or loses an infinity.
@pytest.mark.parametrize("cls, func", [(KLDivergence, pydiv.kl_divergence), (CrossEntropy, pydiv.cross_entropy)])
def test_rows_scaled_apart(cls, func):
    p = np.array([[1e300, 1e300, 1e300], [1e-300, 2e-300, 1e-300], [1.0, 1.0, 1.0], [1e-300, 1e-300, 3e-300]])
    q = np.array([[1e300, 2e300, 1e300], [1e-300, 1e-300, 0.0], [1e-300, 2e-300, 1e-300], [1.0, 1.0, 2.0]])
    want = func(p, q)
    for split in (1, 2):
        acc = cls().update(p[:, :split], q[:, :split]).update(p[:, split:], q[:, split:])
        np.testing.assert_allclose(acc.result(), want, rtol=1e-12)
    h = Entropy().update(p[:, :1]).update(p[:, 1:])
    np.testing.assert_allclose(h.result(), pydiv.entropy(p), rtol=1e-12)


# Within a row, an entry far below the maximum keeps its infinity in KL (the
# one-shot functions scale a row only when its sums would overflow).
def test_small_entry_next_to_huge_keeps_inf():
    p = np.array([1e300, 1e-30])
    q = np.array([1e300, 0.0])
    assert KLDivergence().update(p, q).result() == pydiv.kl_divergence(p, q) == math.inf
    assert CrossEntropy().update(p, q).result() == math.inf


IRIS_102 = [7.1, 3.0, 5.9, 2.1]
IRIS_111 = [6.4, 2.7, 5.3, 1.9]


# Near-identical rows: KL streamed in any split keeps 13 digits (iris rows
# 102 and 111, exact KL from 40-digit arithmetic).
@pytest.mark.parametrize("sizes", [[4], [1, 3], [2, 2], [3, 1], [1, 1, 1, 1]])
def test_kl_near_identical_iris(sizes):
    acc = KLDivergence()
    for pc, qc in zip(chunks(np.array(IRIS_102), sizes), chunks(np.array(IRIS_111), sizes)):
        acc.update(pc, qc)
    assert acc.result() == pytest.approx(2.4885558005363342e-06, rel=1e-13, abs=0)


# q = p (1 + eps noise): KL and cross-entropy streamed in chunks keep 13
# digits of the 40-digit reference for eps down to 1e-10.
@pytest.mark.parametrize("eps", [1e-1, 1e-4, 1e-7, 1e-10])
def test_near_identical_noise(eps):
    g = np.random.default_rng(11)
    p = g.random(300) + 0.01
    q = p * (1 + eps * g.standard_normal(300))
    sizes = [1, 50, 149, 100]
    kl, ce = KLDivergence(), CrossEntropy()
    for pc, qc in zip(chunks(p, sizes), chunks(q, sizes)):
        kl.update(pc, qc)
        ce.update(pc, qc)
    assert kl.result() == pytest.approx(ref.kl_divergence_mp(p, q), rel=1e-13, abs=0)
    assert ce.result() == pytest.approx(ref.cross_entropy_mp(p, q), rel=1e-13, abs=0)


# A first chunk whose p/q ratio is far from the whole row's (a light chunk
# with p a thousandth of q, then a near-identical rest): streamed or merged
# in either order, KL and cross-entropy keep 13 digits of the 40-digit value.
@pytest.mark.parametrize("first", [True, False])
def test_chunk_ratios_far_apart(first):
    g = np.random.default_rng(12)
    q = np.concatenate([g.random(5) * 1e-9, g.random(200) + 0.01])
    p = q * np.concatenate([np.full(5, 1e-3), 1 + 1e-7 * g.standard_normal(200)])
    sizes = [5, 120, 80] if first else [120, 80, 5]
    order = slice(None) if first else np.r_[5:205, 0:5]
    p, q = p[order], q[order]
    for cls, want in [(KLDivergence, ref.kl_divergence_mp(p, q)), (CrossEntropy, ref.cross_entropy_mp(p, q))]:
        streamed, merged = cls(), cls()
        for pc, qc in zip(chunks(p, sizes), chunks(q, sizes)):
            streamed.update(pc, qc)
            merged.merge(cls().update(pc, qc))
        assert streamed.result() == pytest.approx(want, rel=1e-13, abs=0)
        assert merged.result() == pytest.approx(want, rel=1e-13, abs=0)


# p's and q's totals about 2^1900 apart (their ratio is no float, and
# neither row is tiny enough to be scaled up): KL streamed or merged is the
# 40-digit value.  The one-shot function takes its normalised re-read for
# totals outside [1e-250, 1e250], not the accurate pass: 1.5e-12 on the
# portable (no FMA) path.
@pytest.mark.parametrize("p_exp, q_exp", [(-895, 1000), (1000, -895), (-1070, 1010)])
def test_totals_beyond_float_ratio(p_exp, q_exp):
    g = np.random.default_rng(13)
    base = g.random(40) + 0.5
    p, q = np.ldexp(base, p_exp), np.ldexp(base * (1 + 0.1 * g.random(40)), q_exp)
    want = ref.kl_divergence_mp(p, q)
    assert pydiv.kl_divergence(p, q) == pytest.approx(want, rel=4e-12, abs=0)
    for cls, value in [(KLDivergence, want), (CrossEntropy, ref.cross_entropy_mp(p, q))]:
        streamed = cls().update(p[:15], q[:15]).update(p[15:], q[15:])
        merged = cls().update(p[15:], q[15:]).merge(cls().update(p[:15], q[:15]))
        assert streamed.result() == pytest.approx(value, rel=1e-12, abs=0)
        assert merged.result() == pytest.approx(value, rel=1e-12, abs=0)


# JS with totals whose ratio is no float (1e305 against 1e-9, or the
# reverse): the weight of q comes from exact power-of-two units, the value
# is the one-shot function's.
@pytest.mark.parametrize("p_scale, q_scale", [(1e305, 1e-9), (1e-9, 1e305)])
def test_js_totals_beyond_float_ratio(p_scale, q_scale):
    g = np.random.default_rng(14)
    p, q = g.random(30) * p_scale, g.random(30) * q_scale
    acc = JSDivergence(p_total=math.fsum(p), q_total=math.fsum(q))
    acc.update(p[:10], q[:10]).update(p[10:], q[10:])
    assert acc.result() == pytest.approx(ref.js_divergence_decimal(p, q), rel=1e-12, abs=0)
    assert acc.result() == pytest.approx(pydiv.js_divergence(p, q), rel=1e-12, abs=0)


# p's entries near 1e-241 (not tiny enough to be scaled up on their own)
# against q's spread down to 1e-76: rho q would be subnormal and lose its
# digits in the terms where p is not small; p's units are raised instead.
def test_weighted_q_stays_normal():
    g = np.random.default_rng(15)
    p = (1 + g.random(18)) * 1e-241
    q = 10.0 ** np.linspace(-76, 0, 18)
    for cls, want in [(KLDivergence, ref.kl_divergence_mp(p, q)), (CrossEntropy, ref.cross_entropy_mp(p, q))]:
        assert cls().update(p, q).result() == pytest.approx(want, rel=1e-13, abs=0)
        assert cls().update(p[:9], q[:9]).update(p[9:], q[9:]).result() == pytest.approx(want, rel=1e-13, abs=0)


# Entries near 2e300 (one bin): the accurate JS pass's exact product error
# must not overflow on the portable path (no FMA), streamed or one-shot.
def test_js_of_entries_near_the_top_of_the_range():
    p, q = np.array([2.19252317e300, 1e300]), np.array([2.25258151e300, 3e299])
    acc = JSDivergence(p_total=math.fsum(p), q_total=math.fsum(q)).update(p[:1], q[:1]).update(p[1:], q[1:])
    assert acc.result() == pytest.approx(ref.js_divergence_decimal(p, q), rel=1e-12, abs=0)
    assert pydiv.js_divergence(p, q) == pytest.approx(ref.js_divergence_decimal(p, q), rel=1e-12, abs=0)
