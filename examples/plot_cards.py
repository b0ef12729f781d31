r"""
Cards with five letters: which model loses less information?
=============================================================

A draw of 100 cards, each showing one of five letters A to E, gives an
empirical distribution :math:`P`. Two models could stand in for it: the
uniform distribution, and a binomial distribution on the letters' ranks
:math:`k = 0, \dots, 4` (:math:`n = 4`, success probability fitted by the
mean). The Kullback-Leibler divergence

.. math::

    D_{KL}(P \| Q) = \sum_x p(x) \log \frac{p(x)}{q(x)}

is the information lost when :math:`Q` is used to approximate :math:`P`; the
model with the smaller divergence is the better stand-in. These are the
counts that ``pydiv demo`` prints.
"""

# %%
# The draw and the two models
# ---------------------------
import math

import matplotlib.pyplot as plt
import numpy as np

import pydiv

letters = ["A", "B", "C", "D", "E"]
counts = np.array([2, 14, 36, 33, 15])
k = np.arange(5)
empirical = counts / counts.sum()
success = float(empirical @ k) / 4  # the binomial's mean 4 s equals the sample mean
binomial = np.array([math.comb(4, int(i)) * success**i * (1 - success) ** (4 - i) for i in k])
uniform = np.full(5, 0.2)
print(f"fitted success probability: {success:.4f}")

# %%
# Information lost by each model
# ------------------------------
# :func:`pydiv.kl_divergence` takes the counts as they are (it normalises
# them), in nats by default; ``base=2`` gives bits. KL is not symmetric, so
# the reverse direction is printed too.
kl_uniform = pydiv.kl_divergence(counts, uniform)
kl_binomial = pydiv.kl_divergence(counts, binomial)
for name, q in (("uniform", uniform), ("binomial", binomial)):
    print(f"KL(empirical || {name:8s}) = {pydiv.kl_divergence(counts, q):.6f} nats"
          f" = {pydiv.kl_divergence(counts, q, base=2):.6f} bits;"
          f" KL({name} || empirical) = {pydiv.kl_divergence(q, counts):.6f} nats")
print(f"entropy of the draw: {pydiv.entropy(counts):.6f} nats (uniform: log 5 = {math.log(5):.6f})")

# The same numbers from the definition, and the conclusion of the example.
assert np.isclose(kl_uniform, np.sum(empirical * np.log(empirical / uniform)), rtol=1e-13)
assert np.isclose(kl_binomial, np.sum(empirical * np.log(empirical / binomial)), rtol=1e-13)
# Against the uniform model, KL is log 5 minus the entropy of the draw.
assert np.isclose(kl_uniform, math.log(5) - pydiv.entropy(counts), rtol=1e-13)
assert kl_binomial < kl_uniform

# %%
# Draw the distributions and the divergences
# ------------------------------------------
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [2, 1]})
width = 0.27
left.bar(k - width, empirical, width, label="empirical (100 cards)", color="0.35")
left.bar(k, uniform, width, label="uniform", color="C0")
left.bar(k + width, binomial, width, label=f"binomial(4, {success:.3f})", color="C1")
left.set_xticks(k, letters)
left.set_xlabel("letter on the card")
left.set_ylabel("probability")
left.legend(fontsize="small")
left.set_title("the draw and two models")
right.bar(["uniform", "binomial"], [kl_uniform, kl_binomial], color=["C0", "C1"])
for x, v in enumerate((kl_uniform, kl_binomial)):
    right.text(x, v, f"{v:.4f}", ha="center", va="bottom")
right.set_ylabel(r"$D_{KL}$(empirical $\|$ model) [nats]")
right.set_xlabel("model")
right.set_title("information lost")
fig.tight_layout()
plt.show()
