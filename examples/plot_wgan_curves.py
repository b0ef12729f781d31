r"""
A toy GAN trained on W1 and on JS
=================================

Why Wasserstein GANs train on :math:`W_1` and not on the Jensen-Shannon
divergence, in one picture. A small generator (an MLP from 2-D Gaussian noise
to the plane) starts as a blob at the centre of its target, a ring of eight
narrow Gaussians, apart from it. It is trained twice with Adam, from the same
weights on the same minibatches:

* on the exact :math:`W_1` between a generated and a target minibatch,
  :func:`pydiv.torch.wasserstein_nd` (network simplex; the gradient comes from
  the optimal plan);
* on the JS divergence of the two minibatches' soft histograms on a grid,
  :func:`pydiv.torch.js_divergence`.

While the histograms are disjoint the JS loss is exactly :math:`\log 2` and
its gradient is zero, so its generator never moves, as the two-segment
example predicts; :math:`W_1` falls steadily. The training code is that of
the ``wgan_toy.py`` script next to this example (``python wgan_toy.py
--plot wgan.png`` runs the full-length version); here it runs 200 steps on
minibatches of 64 points so that the page builds in seconds, and the numbers
are illustrative.
"""

# %%
# Train both generators
# ---------------------
# ``train`` records each step's loss, gradient norm and the overlap of the
# two soft histograms, and every 20 steps the exact :math:`W_1` between 300
# generated points and 300 held-out target points (the same judge for both
# losses).
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from wgan_toy import minibatch_floor, sample_target, train

steps, batch, every, n_eval = 200, 64, 20, 300
gen = torch.Generator().manual_seed(2)
eval_noise = torch.randn(n_eval, 2, generator=gen, dtype=torch.float64)
held_out = sample_target(n_eval, gen).numpy()
threads = torch.get_num_threads()
torch.set_num_threads(1)  # tensors this small lose more to thread hand-offs than they gain
try:
    runs = {name: train(name, steps, batch, seed=0, lr=2e-3, every=every, eval_noise=eval_noise, held_out=held_out)
            for name in ("w1", "js")}
finally:
    torch.set_num_threads(threads)
floor = minibatch_floor(batch, gen)
for name, run in runs.items():
    print(f"{name}: training loss {run.loss[0]:.4f} -> {run.loss[-1]:.4f}, "
          f"held-out W1 {run.eval_w1[0]:.4f} -> {run.eval_w1[-1]:.4f}")
print(f"two independent target minibatches of {batch} are W1 = {floor:.3f} apart on average")

# %%
# What the curves must show
# -------------------------
# JS: its minibatch histograms never overlap, the loss is log 2 to rounding at
# every step and the gradient is zero to rounding, so the generator stays
# where it started. W1: the held-out distance falls by more than half.
js, w1 = runs["js"], runs["w1"]
assert max(js.overlap) == 0.0
assert np.allclose(js.loss, math.log(2), rtol=0, atol=1e-12)
assert max(js.grad_norm) < 1e-12
assert np.isclose(js.eval_w1[-1], js.eval_w1[0], rtol=1e-6)
assert w1.eval_w1[-1] < 0.5 * w1.eval_w1[0]
assert min(w1.grad_norm) > 1e-3

# %%
# Draw the loss curves, the gradients and the final samples
# ---------------------------------------------------------
fig, (losses, grads, samples) = plt.subplots(1, 3, figsize=(13, 4.2))
for name, colour in (("w1", "C0"), ("js", "C1")):
    run = runs[name]
    losses.plot(run.loss, lw=0.8, color=colour, label=f"{name}: training loss")
    losses.plot(run.eval_steps, run.eval_w1, "o--", ms=4, color=colour, label=f"{name}: held-out W1")
    grads.semilogy(run.grad_norm, lw=0.8, color=colour, label=name)
losses.axhline(math.log(2), color="gray", ls=":", label="log 2")
losses.axhline(floor, color="C0", ls=":", lw=0.8, label="W1 between two target minibatches")
losses.set_xlabel("Adam step")
losses.set_ylabel("loss / distance")
losses.legend(fontsize="x-small")
losses.set_title("losses and the same judge for both")
grads.set_xlabel("Adam step")
grads.set_ylabel("norm of the generator's gradient")
grads.legend(fontsize="small")
grads.set_title("JS gives no gradient")
samples.scatter(*held_out.T, s=3, c="k", label="target (held out)")
samples.scatter(*w1.end.T, s=3, alpha=0.6, color="C0", label="W1 generator, final")
samples.scatter(*js.end.T, s=3, alpha=0.6, color="C1", label="JS generator, final")
samples.set_aspect("equal")
samples.set_xlabel("x")
samples.set_ylabel("y")
samples.legend(fontsize="x-small", markerscale=3, loc="upper right")
samples.set_title(f"after {steps} steps")
fig.tight_layout()
plt.show()
