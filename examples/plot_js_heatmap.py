r"""
A clustered heat map of Jensen-Shannon distances
================================================

Forty histograms (word counts of short documents, say) come from four
sources, in shuffled order. :func:`pydiv.pairwise` with
``metric="jensenshannon"`` computes the matrix of Jensen-Shannon distances
between them (the square root of the divergence, a metric: the values of
``scipy.spatial.distance.pdist(X, "jensenshannon")``), and
:mod:`scipy.cluster.hierarchy` orders its rows by average-linkage clustering,
which makes the four sources appear as blocks on the diagonal.
"""

# %%
# Histograms from four sources
# ----------------------------
# Each source is a distribution over 60 bins; each histogram is 300 draws
# from a noisy copy of its source's distribution.
import matplotlib.pyplot as plt
import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import pdist, squareform

import pydiv

rng = np.random.default_rng(0)
n_sources, per_source, n_bins = 4, 10, 60
sources = rng.dirichlet(np.full(n_bins, 0.5), size=n_sources)
labels = rng.permutation(np.repeat(np.arange(n_sources), per_source))
X = np.array([rng.multinomial(300, rng.dirichlet(200 * sources[k])) for k in labels], dtype=float)

# %%
# The distance matrix
# -------------------
# One triangle is computed (the metric is symmetric); ``condensed=True``
# returns it in ``pdist`` order, the input of :func:`scipy.cluster.hierarchy.linkage`.
D = pydiv.pairwise(X, metric="jensenshannon")
d = pydiv.pairwise(X, metric="jensenshannon", condensed=True)
assert np.allclose(D, D.T, rtol=0, atol=0) and np.all(np.diag(D) == 0)
assert np.array_equal(squareform(d), D)
assert np.allclose(d, pdist(X, "jensenshannon"), rtol=1e-12, atol=1e-15)
assert d.max() <= np.sqrt(np.log(2))  # the JS distance is at most sqrt(log 2) in nats
print(f"{len(X)} histograms, {len(d)} pairs; distances from {d.min():.3f} to {d.max():.3f}")

# %%
# Cluster and reorder
# -------------------
# Cutting the tree into four clusters recovers the sources exactly: every
# cluster holds the histograms of one source.
Z = hierarchy.linkage(d, method="average")
order = hierarchy.leaves_list(Z)
found = hierarchy.fcluster(Z, n_sources, criterion="maxclust")
pairs = {(int(c), int(s)) for c, s in zip(found, labels)}
assert len(pairs) == n_sources and len({c for c, _ in pairs}) == n_sources
within = D[labels[:, None] == labels[None, :]]
between = D[labels[:, None] != labels[None, :]]
print(f"mean distance within a source {within[within > 0].mean():.3f}, between sources {between.mean():.3f}")

# %%
# Draw the heat maps
# ------------------
# Left: the matrix in the order the histograms came in. Right: the same
# matrix in the dendrogram's order, with the tree above it and each row's
# source marked on the side.
fig = plt.figure(figsize=(11, 5.6))
grid = fig.add_gridspec(2, 3, width_ratios=[1, 1, 0.05], height_ratios=[0.22, 1], wspace=0.25, hspace=0.02)
raw = fig.add_subplot(grid[1, 0])
image = raw.imshow(D, cmap="viridis", vmin=0, vmax=d.max(), aspect="auto")
raw.set_title("input order")
raw.set_xlabel("histogram")
raw.set_ylabel("histogram")
tree = fig.add_subplot(grid[0, 1])
hierarchy.dendrogram(Z, ax=tree, no_labels=True, color_threshold=0, above_threshold_color="0.3")
tree.set_xlim(0, 10 * len(X))  # the dendrogram puts leaf k at 10 k + 5: aligned with the columns below
tree.set_axis_off()
ordered = fig.add_subplot(grid[1, 1])
ordered.imshow(D[np.ix_(order, order)], cmap="viridis", vmin=0, vmax=d.max(), aspect="auto")
ordered.scatter(np.full(len(order), -1.5), np.arange(len(order)), c=labels[order], cmap="tab10",
                vmin=0, vmax=9, marker="s", s=18, clip_on=False)
ordered.set_xlim(-0.5, len(order) - 0.5)
ordered.set_xlabel("histogram, average-linkage order (squares: its source)")
ordered.set_xticks([])
ordered.set_yticks([])
fig.colorbar(image, cax=fig.add_subplot(grid[1, 2]), label="Jensen-Shannon distance")
plt.show()
