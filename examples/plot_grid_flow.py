r"""
Exact EMD between two images: the flow on the grid
==================================================

:func:`pydiv.emd_grid` computes the exact Earth Mover's Distance between two
histograms on one regular grid, such as two images, without the
(cells x cells) cost matrix: for the cityblock ground cost the optimal
transport is a min-cost flow on the grid graph itself, each pixel joined to
its four neighbours. It returns the cost (:math:`W_1`), the Kantorovich
potential :math:`\varphi` on the grid (the certificate: 1-Lipschitz, and
:math:`\sum_x \varphi(x)(A_x - B_x) = W_1`), and with ``return_flow=True``
the optimal net flow on every arc, drawn here as arrows over the images.
"""

# %%
# Two 32 x 32 images
# ------------------
# The source has two blobs, the target one elongated blob; both are
# normalised to total mass 1.
import matplotlib.pyplot as plt
import numpy as np

import pydiv

size = 32
rows, cols = np.mgrid[0:size, 0:size].astype(float)


def blob(r, c, sr, sc):
    return np.exp(-0.5 * (((rows - r) / sr) ** 2 + ((cols - c) / sc) ** 2))


A = blob(9, 9, 3.0, 3.0) + 0.6 * blob(24, 7, 2.0, 2.0)
B = blob(19, 23, 5.0, 2.5)
A, B = A / A.sum(), B / B.sum()

# %%
# The exact cost, and the same number from the dense problem
# ----------------------------------------------------------
# :func:`pydiv.emd2` on the dense 1024 x 1024 matrix of cityblock distances
# between the pixels solves the same linear program.
res = pydiv.emd_grid(A, B, return_flow=True)
cells = np.c_[rows.ravel(), cols.ravel()]
M = np.abs(cells[:, None, :] - cells[None, :, :]).sum(axis=-1)
dense = pydiv.emd2(A.ravel(), B.ravel(), M)
print(f"emd_grid: W1 = {res.cost:.12f} ({res.n_iter} pivots on {2 * size * (size - 1)} grid edges)")
print(f"emd2 on the dense {M.shape[0]} x {M.shape[1]} cost matrix: {dense:.12f}")
assert res.status == "optimal"
assert np.isclose(res.cost, dense, rtol=1e-12)

# %%
# Check the flow and the certificate
# ----------------------------------
# ``flow[h][x]`` is the net mass sent from pixel ``x`` to ``x + offsets[h]``
# (down one row, or right one column). Its divergence is ``A - B``; each unit
# of mass crossing an edge costs 1, so the total absolute flow is the cost.
# The potential drops by exactly 1 along every edge that carries flow, and by
# at most 1 along any edge.
down, right = res.flow
assert res.offsets.tolist() == [[1, 0], [0, 1]]
outflow = down + right
inflow = np.zeros_like(A)
inflow[1:, :] += down[:-1, :]
inflow[:, 1:] += right[:, :-1]
print(f"largest |div(flow) - (A - B)| = {np.abs(outflow - inflow - (A - B)).max():.1e}")
assert np.allclose(outflow - inflow, A - B, rtol=0, atol=1e-13)
assert np.isclose(np.abs(res.flow).sum(), res.cost, rtol=1e-12)
phi = res.u
assert np.allclose(res.v, -phi, rtol=0, atol=1e-12)
assert np.isclose((phi * (A - B)).sum(), res.cost, rtol=1e-12)
step_down, step_right = phi[:-1, :] - phi[1:, :], phi[:, :-1] - phi[:, 1:]
assert max(np.abs(step_down).max(), np.abs(step_right).max()) <= 1 + 1e-12
moving = np.abs(down[:-1, :]) > 1e-15
assert np.allclose(step_down[moving], np.sign(down[:-1, :][moving]), atol=1e-12)
moving = np.abs(right[:, :-1]) > 1e-15
assert np.allclose(step_right[moving], np.sign(right[:, :-1][moving]), atol=1e-12)

# %%
# Draw the images, the flow and the potential
# -------------------------------------------
# The arrows are the net flow out of each pixel (``right`` along x, ``down``
# along y) where it is at least 2 % of the largest, which is drawn 1.5 pixels
# long. Cityblock transport has many optimal
# flows; this one, a vertex of the flow polytope, runs along a few shared
# paths. The potential falls at rate 1 along every path that carries mass.
fig, axes = plt.subplots(1, 4, figsize=(15, 4), sharex=True, sharey=True)
for ax, image, title in ((axes[0], A, "source A"), (axes[1], B, "target B")):
    ax.imshow(image, cmap="Greys")
    ax.set_title(title)
span = np.abs(A - B).max()
axes[2].imshow(A - B, cmap="RdBu_r", vmin=-span, vmax=span)
carries = np.hypot(right, down) > 0.02 * np.hypot(right, down).max()  # arcs with 2 % of the largest flow or more
axes[2].quiver(cols[carries], rows[carries], right[carries], down[carries], angles="xy", scale_units="xy",
               scale=np.hypot(right, down).max() / 1.5, width=0.004)
axes[2].set_title("A - B and the optimal net flow")
image = axes[3].imshow(phi, cmap="coolwarm")
axes[3].contour(phi, levels=15, colors="k", linewidths=0.4)
fig.colorbar(image, ax=axes[3], fraction=0.046, label=r"potential $\varphi$ (1-Lipschitz)")
axes[3].set_title(f"Kantorovich potential, W1 = {res.cost:.3f}")
for ax in axes:
    ax.set_xlabel("column")
axes[0].set_ylabel("row")
fig.tight_layout()
plt.show()
