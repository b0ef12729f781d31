r"""
A drift report between two tables
=================================

A model trained on last month's data is scored on this month's: which input
features have moved? :func:`pydiv.drift` bins each column of the reference
and the current table on shared edges (one threaded pass) and returns one
value per column and metric, here

* the population stability index, PSI :math:`= \sum_k (c_k - r_k)\log(c_k / r_k)`
  over the bins' shares (the drift monitors' rule of thumb: below 0.1 stable,
  above 0.25 a major shift),
* the Jensen-Shannon divergence of the two histograms (bounded by
  :math:`\log 2`),
* the :math:`W_1` distance between the raw values, in the column's own units.
"""

# %%
# Two tables with three drifted features
# --------------------------------------
# Eight features; in the current table ``age`` has shifted by 0.4 of its
# spread, ``latency`` has grown by 30 % and ``score`` has been squeezed
# towards its middle. The other five are drawn from the same laws as before.
import matplotlib.pyplot as plt
import numpy as np

import pydiv


def table(rng, size, drifted):
    """Samples of eight features; `drifted` moves three of them."""
    age_shift, latency_scale, score_squeeze = (4.0, 1.3, 2.0) if drifted else (0.0, 1.0, 1.0)
    return {
        "age": rng.normal(40 + age_shift, 10, size),
        "income": rng.lognormal(10, 0.8, size),
        "tenure": rng.exponential(3.0, size),
        "score": rng.beta(2 * score_squeeze, 2 * score_squeeze, size),
        "balance": rng.normal(0, 1000, size),
        "latency": rng.gamma(2.0, 50 * latency_scale, size),
        "sessions": rng.lognormal(1, 0.5, size),
        "basket": rng.gamma(5.0, 10.0, size),
    }


rng = np.random.default_rng(0)
reference = table(rng, 20_000, drifted=False)
current = table(rng, 5_000, drifted=True)
shifted = ["age", "score", "latency"]

# %%
# The report
# ----------
# Ten quantile bins (``bins="quantile"``) taken from the reference, as drift
# monitors usually do. ``report.to_pandas()`` is the report as a DataFrame
# (one row per column); without pandas, ``print(report)`` shows the same table.
report = pydiv.drift(reference, current, metrics=("psi", "js", "wasserstein"), bins="quantile")
try:
    print(report.to_pandas().round(4))
except ImportError:
    print(report)

# %%
# The two thresholds: PSI's rule of thumb, and for JS a noise level measured
# on the data, three times the largest JS between the reference and ten
# undrifted tables of the current size.
psi_threshold = 0.1
null = [pydiv.drift(reference, table(rng, 5_000, drifted=False), metrics=("js",), bins="quantile")["js"].max()
        for _ in range(10)]
js_threshold = 3 * max(null)
print(f"JS noise level {max(null):.2e}; threshold {js_threshold:.2e}")
print("drifted by PSI:", report.drifted("psi", psi_threshold))
print("drifted by JS: ", report.drifted("js", js_threshold))

# %%
# Check the report against its definition: the binned metrics are those of
# the shared counts it returns, the sample metric that of the raw values.
i = report.columns.index("age")
assert np.isclose(report["js"][i], pydiv.js_divergence(report.counts_reference[i], report.counts_current[i]))
assert np.isclose(report["psi"][i], pydiv.population_stability_index(report.counts_reference[i],
                                                                     report.counts_current[i]))
assert np.isclose(report["wasserstein"][i], pydiv.wasserstein_1d(reference["age"], current["age"]))
assert report.counts_reference[i].sum() == 20_000 and report.counts_current[i].sum() == 5_000
# The three shifted features, and only they, are flagged by both metrics.
assert sorted(report.drifted("psi", psi_threshold)) == sorted(shifted)
assert sorted(report.drifted("js", js_threshold)) == sorted(shifted)

# %%
# Draw the report
# ---------------
# One bar per column and metric, the drifted columns in red, the thresholds
# as dashed lines; below, the shared binning of the most drifted column.
names = list(report.columns)
colours = ["C3" if name in shifted else "C0" for name in names]
fig, (top, middle) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
top.bar(names, report["psi"], color=colours)
top.axhline(psi_threshold, color="k", ls="--", lw=1, label="PSI 0.1 (moderate)")
top.axhline(0.25, color="k", ls=":", lw=1, label="PSI 0.25 (major)")
top.set_ylabel("PSI")
top.legend(fontsize="small")
middle.bar(names, report["js"], color=colours)
middle.axhline(js_threshold, color="k", ls="--", lw=1, label="3 x the undrifted tables' largest JS")
middle.set_ylabel("JS divergence [nats]")
middle.set_xlabel("column")
middle.legend(fontsize="small")
top.set_title("drift per column (red: the columns that were shifted)")
fig.tight_layout()

worst = int(np.argmax(report["psi"]))
edges = report.edges[worst]
fig, ax = plt.subplots(figsize=(7, 3.2))
for counts, label, colour in ((report.counts_reference[worst], "reference", "C0"),
                              (report.counts_current[worst], "current", "C3")):
    ax.stairs(counts / counts.sum(), edges, label=label, color=colour, lw=2)
ax.set_xlabel(f"{names[worst]} (the reference's decile edges)")
ax.set_ylabel("share of the table")
ax.set_title(f"{names[worst]}: PSI = {report['psi'][worst]:.3f}, JS = {report['js'][worst]:.4f}")
ax.legend()
fig.tight_layout()
plt.show()
