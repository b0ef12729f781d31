r"""
Two parallel segments: KL, JS and W1 against the offset
=======================================================

The example that motivates the library. P puts its mass on the vertical
segment :math:`x = 0,\ y \sim U[0, 1]` and Q on the parallel segment
:math:`x = \theta`. For every :math:`\theta \ne 0` the two supports are
disjoint, so

* :math:`D_{KL}(P \| Q) = +\infty` (P has mass where Q has none),
* :math:`D_{JS}(P \| Q) = \log 2` whatever :math:`\theta` is: a flat loss,
  no gradient,
* :math:`W_1(P, Q) = |\theta|`: smooth, and its slope points the right way.

All three are 0 at :math:`\theta = 0`. This is why Wasserstein GANs train on
:math:`W_1` rather than on the Jensen-Shannon divergence.
"""

# %%
# Discretise the segments
# -----------------------
# Each segment is ``n`` equal cells in :math:`y`. For the information
# divergences, P and Q are histograms on the union of the two columns of
# cells (they coincide when :math:`\theta = 0`); for :math:`W_1`, the two
# columns of cell centres are point clouds in the plane and
# :func:`pydiv.wasserstein_nd` solves the exact transport problem between them.
import math

import matplotlib.pyplot as plt
import numpy as np

import pydiv

n = 100
column = np.full(n, 1.0 / n)
y = (np.arange(n) + 0.5) / n


def histograms(theta):
    """P and Q on the cells of both segments (one column when theta == 0)."""
    if theta == 0.0:
        return column, column
    zeros = np.zeros(n)
    return np.concatenate([column, zeros]), np.concatenate([zeros, column])


thetas = np.linspace(-1.0, 1.0, 41)
kl, js, w1 = [], [], []
for theta in thetas:
    p, q = histograms(theta)
    kl.append(pydiv.kl_divergence(p, q))
    js.append(pydiv.js_divergence(p, q))
    w1.append(pydiv.wasserstein_nd(np.c_[np.zeros(n), y], np.c_[np.full(n, theta), y]))
kl, js, w1 = map(np.asarray, (kl, js, w1))

# %%
# The table the notes derive, reproduced exactly
# ----------------------------------------------
# KL is exactly ``inf`` (not a large number), JS is exactly log 2 away from
# 0, and :math:`W_1` is :math:`|\theta|` to rounding.
at_zero = thetas == 0.0
assert at_zero.sum() == 1
assert np.all(kl[at_zero] == 0.0) and np.all(np.isinf(kl[~at_zero]))
assert np.all(js[at_zero] == 0.0) and np.allclose(js[~at_zero], math.log(2), rtol=1e-15, atol=0)
assert np.allclose(w1, np.abs(thetas), rtol=1e-12, atol=1e-14)
for theta in (0.0, 0.25, 1.0):
    k = int(np.argmin(np.abs(thetas - theta)))
    print(f"theta = {thetas[k]:4.2f}:  KL = {kl[k]}, JS = {js[k]:.6f}, W1 = {w1[k]:.6f}")

# %%
# Draw the three curves
# ---------------------
# KL cannot be drawn where it is infinite: the markers on the top edge of the
# first panel stand for :math:`+\infty`.
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharex=True)
finite = np.isfinite(kl)
axes[0].plot(thetas[finite], kl[finite], "o", color="C0", label="finite (theta = 0)")
axes[0].plot(thetas[~finite], np.ones((~finite).sum()), "^", color="C0", clip_on=False,
             label="+inf")
axes[0].set_ylim(-0.05, 1.0)
axes[0].set_yticks([0.0, 1.0], ["0", "+inf"])
axes[0].set_title(r"$D_{KL}(P \| Q)$")
axes[0].legend(loc="center right", fontsize="small")
axes[1].plot(thetas, js, "o-", color="C1", ms=3)
axes[1].axhline(math.log(2), color="gray", ls=":", label="log 2")
axes[1].set_title(r"$D_{JS}(P \| Q)$")
axes[1].legend(loc="center right", fontsize="small")
axes[2].plot(thetas, w1, "o-", color="C2", ms=3, label="pydiv.wasserstein_nd")
axes[2].plot(thetas, np.abs(thetas), "k:", label=r"$|\theta|$")
axes[2].set_title(r"$W_1(P, Q)$")
axes[2].legend(loc="upper center", fontsize="small")
for ax in axes:
    ax.set_xlabel(r"offset $\theta$")
axes[0].set_ylabel("divergence / distance")
fig.tight_layout()
plt.show()
