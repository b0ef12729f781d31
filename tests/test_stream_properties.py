"""pydiv.stream laws: any split into chunks, any merge tree, pickled or not,
gives the value of the concatenated data: the 40-digit reference's, and the
one-shot function's."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pydiv
import reference as ref
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence

REFERENCE = {
    Entropy: lambda p: np.array([ref.entropy_mp(r) for r in p]),
    CrossEntropy: lambda p, q: np.array([ref.cross_entropy_mp(a, b) for a, b in zip(p, q)]),
    KLDivergence: lambda p, q: np.array([ref.kl_divergence_mp(a, b) for a, b in zip(p, q)]),
    JSDivergence: lambda p, q: np.array([max(ref.js_divergence_decimal(a, b), 0.0) for a, b in zip(p, q)]),
}
ONE_SHOT = {Entropy: pydiv.entropy, CrossEntropy: pydiv.cross_entropy, KLDivergence: pydiv.kl_divergence,
            JSDivergence: pydiv.js_divergence}
# The one-shot functions keep 1e-12 for rows whose sums lie within
# ONE_SHOT_SUMS and whose p/q sums are at most ONE_SHOT_RATIO apart (beyond,
# they read the row normalised and lose digits where the value is tiny next
# to its parts): the one-shot comparison covers those rows.
ONE_SHOT_SUMS = (1e-250, 1e250)
ONE_SHOT_RATIO = 1e200


@st.composite
def rows(draw, n, zero_chance):
    """A row of n entries m * 2^e, e in a drawn window that may sit anywhere
    from the subnormals to near 2^1023 and span up to 400 binades."""
    top = draw(st.integers(-1074, 1020))
    low = max(-1074, top - draw(st.integers(0, 400)))
    seed = draw(st.integers(0, 2**32 - 1))
    g = np.random.default_rng(seed)
    x = np.ldexp(1.0 + g.random(n), g.integers(low, top + 1, n))
    x[g.random(n) < zero_chance] = 0.0
    return x


@st.composite
def problems(draw):
    cls = draw(st.sampled_from(sorted(REFERENCE, key=lambda c: c.__name__)))
    n = draw(st.integers(1, 30))
    n_rows = draw(st.integers(1, 3))
    zero_chance = draw(st.sampled_from([0.0, 0.3, 0.8]))
    p = np.stack([draw(rows(n, zero_chance)) for _ in range(n_rows)])
    if draw(st.booleans()):  # q near p: the supports match (finite KL)
        g = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        # (JS takes its totals as floats, whose rounding shows below 1e-3.)
        eps = 10.0 ** draw(st.integers(-3 if cls is JSDivergence else -10, -1))
        q = p * (1 + eps * g.uniform(-1, 1, p.shape))
    else:
        q = np.stack([draw(rows(n, zero_chance)) for _ in range(n_rows)])
    for x in (p, q):
        x[~(x > 0).any(axis=1), 0] = 1.0  # each row must have a positive total
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=5)))
    return cls, p, q, cuts


def make(cls, p, q):
    if cls is JSDivergence:
        return JSDivergence(p_total=math.fsum(p[0]), q_total=math.fsum(q[0]))
    return cls()


def feed(acc, cls, pc, qc):
    return acc.update(pc) if cls is Entropy else acc.update(pc, qc)


def close(got, want, floor=1e-300):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = (np.isinf(want) & (got == want)) | (np.abs(got - want) <= 1e-12 * np.abs(want) + floor)
    return bool(ok.all())


# Streamed chunk by chunk, or one accumulator per chunk merged in a random
# tree (some pickled on the way), the result is the one-shot value.
@settings(max_examples=150, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_any_split_and_merge_tree_equals_one_shot(problem, rnd):
    cls, p, q, cuts = problem
    if cls is JSDivergence:
        p, q = p[:1], q[:1]  # one pair per JS accumulator (its totals are scalars)
        try:
            if not all(0 < 1 / math.fsum(x[0]) < math.inf for x in (p, q)):
                return  # totals whose reciprocal is not a float cannot be passed
        except OverflowError:
            return  # nor totals that are no float
    # Rounding floors: JS's float totals (1e-32); the double-double totals of KL (1e-32 of a term near 1e-10).
    floor = 1e-30 if cls is JSDivergence else 1e-40
    want = REFERENCE[cls](p) if cls is Entropy else REFERENCE[cls](p, q)
    one_shot = ONE_SHOT[cls](p) if cls is Entropy else ONE_SHOT[cls](p, q, axis=-1)
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.stack([p.sum(axis=1), (p if cls is Entropy else q).sum(axis=1)], axis=1)
        ratio = sums[:, 0] / sums[:, 1]
    in_range = ((sums > ONE_SHOT_SUMS[0]) & (sums < ONE_SHOT_SUMS[1])).all(axis=1)
    in_range &= (ratio < ONE_SHOT_RATIO) & (ratio > 1 / ONE_SHOT_RATIO)
    bounds = [0, *cuts, p.shape[1]]
    pieces = [(p[:, a:b], q[:, a:b]) for a, b in zip(bounds[:-1], bounds[1:])]

    streamed = make(cls, p, q)
    for pc, qc in pieces:
        feed(streamed, cls, pc, qc)
    assert close(streamed.result(), want, floor), (streamed.result(), want)
    assert close(np.atleast_1d(streamed.result())[in_range], np.atleast_1d(one_shot)[in_range], floor)

    accs = [feed(make(cls, p, q), cls, pc, qc) for pc, qc in pieces]
    accs.append(make(cls, p, q))  # an empty accumulator merges as nothing
    while len(accs) > 1:
        i, j = rnd.sample(range(len(accs)), 2)
        left = pickle.loads(pickle.dumps(accs[i])) if rnd.random() < 0.3 else accs[i]
        accs[i] = left.merge(accs[j])
        del accs[j]
    assert close(accs[0].result(), want, floor), (accs[0].result(), want)
    assert close(np.atleast_1d(accs[0].result())[in_range], np.atleast_1d(one_shot)[in_range], floor)


# Single-bin chunks, in either order, give the one-shot value.
@pytest.mark.parametrize("cls", sorted(REFERENCE, key=lambda c: c.__name__))
def test_single_bin_chunks(cls):
    g = np.random.default_rng(5)
    p, q = g.random((1, 12)), g.random((1, 12))
    p[0, 3] = q[0, 7] = 0.0
    want = REFERENCE[cls](p) if cls is Entropy else REFERENCE[cls](p, q)
    for order in (range(12), reversed(range(12))):
        acc = make(cls, p, q)
        for k in order:
            feed(acc, cls, p[:, k : k + 1], q[:, k : k + 1])
        assert close(acc.result(), want)
        assert close(acc.result(), ONE_SHOT[cls](p) if cls is Entropy else ONE_SHOT[cls](p, q))
