r"""
An optimal transport plan and its Kantorovich critic
=====================================================

:func:`pydiv.emd` solves the transport problem between two weighted point
clouds exactly, and returns with the plan a certificate of its optimality:
dual potentials :math:`u, v` with

.. math::

    u_i + v_j \le M_{ij} \ \text{for every pair}, \qquad
    u_i + v_j = M_{ij} \ \text{wherever the plan moves mass}, \qquad
    a^\top u + b^\top v = \sum_{ij} M_{ij} P_{ij}.

For the Euclidean ground cost the cost is :math:`W_1`, and the c-transform
of the potentials,

.. math::

    f(z) = \min_j \; \lVert z - y_j \rVert - v_j,

is a 1-Lipschitz function on the whole plane with
:math:`E_\mu[f] - E_\nu[f] = W_1` exactly: the maximiser of the
Kantorovich-Rubinstein dual, which the critic of a Wasserstein GAN learns
to approximate. Here it is drawn as a colour map under the plan.
"""

# %%
# Two clouds and the exact plan
# -----------------------------
# A ring of uniformly weighted points is sent onto a blob whose points carry
# random weights. ``make_critic`` (from the ``kantorovich_critic.py`` script
# next to this example) builds :math:`f` and its gradient from ``y`` and
# ``v``.
import matplotlib.pyplot as plt
import numpy as np

import pydiv
from kantorovich_critic import make_critic, pairwise_distances

rng = np.random.default_rng(0)
n, m = 40, 30
angle = rng.uniform(0, 2 * np.pi, n)
x = np.c_[np.cos(angle), np.sin(angle)] * (1 + 0.05 * rng.normal(size=(n, 1)))
y = 0.3 * rng.normal(size=(m, 2)) + [1.8, 0.4]
a = np.full(n, 1.0 / n)
b = rng.random(m) + 0.5
b /= b.sum()

M = pairwise_distances(x, y)
res = pydiv.emd(a, b, M)
print(f"W1 = {res.cost:.12f} with {len(res.mass)} plan entries (at most n + m - 1 = {n + m - 1}),"
      f" {res.n_iter} pivots")

# %%
# Check the certificate
# ---------------------
# Dual feasibility on every pair, complementary slackness on the plan's
# support, equal primal and dual objectives, and the plan's marginals. With
# these four facts the plan is optimal, without trusting the solver.
slack = M - res.u[:, None] - res.v[None, :]
scale = np.abs(M).max()
assert res.status == "optimal"
assert slack.min() >= -1e-12 * scale
assert np.abs(slack[res.rows, res.cols]).max() <= 1e-12 * scale
assert np.isclose(a @ res.u + b @ res.v, res.cost, rtol=1e-12)
assert np.isclose(res.mass @ M[res.rows, res.cols], res.cost, rtol=1e-12)
P = res.plan()
assert np.allclose(P.sum(axis=1), a, atol=1e-15) and np.allclose(P.sum(axis=0), b, atol=1e-15)
print(f"min slack {slack.min():.2e}, max |slack| on the plan {np.abs(slack[res.rows, res.cols]).max():.2e}")

# %%
# The critic: 1-Lipschitz, and its mean gap is W1
# ------------------------------------------------
# On the source points :math:`f(x_i) = u_i`, and the gap of its means
# :math:`E_\mu[f] - E_\nu[f]` is the transport cost.
f, grad_f = make_critic(y, res.v)
assert np.allclose(f(x), res.u, rtol=0, atol=1e-12)
assert np.isclose(a @ f(x) - b @ f(y), res.cost, rtol=1e-12)
p, q = rng.uniform(-1.5, 2.8, (2, 2000, 2))
lipschitz = np.abs(f(p) - f(q)) / np.linalg.norm(p - q, axis=1)
assert lipschitz.max() <= 1 + 1e-12
print(f"E_mu[f] - E_nu[f] = {a @ f(x) - b @ f(y):.12f};"
      f" largest |f(p) - f(q)| / |p - q| on 2000 random pairs: {lipschitz.max():.6f}")

# %%
# Draw the plan over the critic
# -----------------------------
# Each plan entry is a segment from :math:`x_i` to :math:`y_j` whose width is
# proportional to the mass it carries. The critic is large on the source and
# small on the target; the transport moves mass down its slope, along which
# it falls at rate 1.
gx, gy = np.meshgrid(np.linspace(-1.5, 2.8, 160), np.linspace(-1.4, 1.6, 120))
values = f(np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
fig, ax = plt.subplots(figsize=(7.5, 5))
cs = ax.contourf(gx, gy, values, levels=25, cmap="coolwarm")
fig.colorbar(cs, ax=ax, label=r"critic $f(z) = \min_j \|z - y_j\| - v_j$")
widths = 3.0 * res.mass / res.mass.max()
for i, j, w in zip(res.rows, res.cols, widths):
    ax.plot([x[i, 0], y[j, 0]], [x[i, 1], y[j, 1]], color="k", lw=w, alpha=0.55, solid_capstyle="round")
ax.scatter(*x.T, s=2000 * a, c="k", zorder=3, label="source (ring, uniform weights)")
ax.scatter(*y.T, s=2000 * b, c="w", edgecolors="k", zorder=3, label="target (blob, random weights)")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title(f"exact plan (line width proportional to mass), W1 = {res.cost:.4f}")
ax.set_aspect("equal")
ax.legend(loc="lower left", fontsize="small")
plt.show()
