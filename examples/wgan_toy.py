"""Why Wasserstein GANs train on W1 and not on JS: a toy generator, trained both ways.

The seed argument: P is x = 0, y ~ U[0, 1] and Q is x = theta, y ~ U[0, 1].  For
theta != 0 the supports are disjoint, so D_JS(P || Q) = log 2 whatever theta is
(a flat loss, no gradient), while W_1(P, Q) = |theta| (a gradient of size 1
pointing the right way).

Here a small generator, an MLP from 2-D Gaussian noise to the plane, starts as a
blob at the centre of its target, a ring of 8 narrow Gaussians, apart from it.
It is trained twice with Adam, from the same initial weights on the same noise
and target minibatches:

* ``w1``: the exact W_1 between a minibatch of generated points and a minibatch of
  target points, ``pydiv.torch.wasserstein_nd`` (network simplex; the gradient
  with respect to the generated points comes from the optimal plan).
* ``js``: the JS divergence (natural log) of the two minibatches' soft histograms
  on a fixed grid: each point spreads a Gaussian kernel of one cell's width
  (0.05) over the cell centres, cut to 0 beyond 8 widths along an axis, each
  histogram is normalised to sum 1, and the loss is ``pydiv.torch.js_divergence``
  of the two.  While the two histograms are disjoint (true whenever every
  generated point is more than 0.8 from every target point along some axis) the
  loss is exactly log 2 and its gradient is 0 up to rounding, so even Adam, which
  rescales small gradients, does not move the generator.  (Without the cut the
  exact zero becomes a kernel tail of order exp(-gap^2 / (8 width^2)).)

Each generator is judged the same way, independently of its loss: the exact W_1
between a large sample of it (fixed noise) and a large held-out target sample
(``pydiv.wasserstein_nd`` on NumPy).  Everything is float64 and seeded; a run is
deterministic.  Another loss is one more entry of ``LOSSES``.

Run: python examples/wgan_toy.py [--steps 400] [--batch 128] [--loss both] [--plot wgan.png]
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

import pydiv
import pydiv.torch as pt

RADIUS, MODE_STD, MODES = 2.0, 0.05, 8  # the target: 8 Gaussians on a circle
GRID_HALF_WIDTH, CELL = 3.0, 0.05  # the JS histograms' grid: cell centres on [-3, 3]^2
BANDWIDTH = CELL  # Gaussian kernel width of the soft binning
TRUNCATE = 8.0  # the kernel is 0 beyond 8 bandwidths along an axis
AXIS = torch.arange(-GRID_HALF_WIDTH, GRID_HALF_WIDTH + CELL / 2, CELL, dtype=torch.float64)  # cell centres


def sample_target(n: int, gen: torch.Generator) -> torch.Tensor:
    angle = 2 * math.pi / MODES * torch.randint(MODES, (n,), generator=gen).double()
    centres = RADIUS * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return centres + MODE_STD * torch.randn(n, 2, generator=gen, dtype=torch.float64)


def soft_histogram(points: torch.Tensor) -> torch.Tensor:
    """Gaussian-kernel binning on the grid AXIS x AXIS, normalised to a probability vector (flattened).

    The 2-D kernel is the product of two 1-D ones, so the histogram sum_n k(x_n - a_i) k(y_n - a_j)
    is the matrix product Kx^T Ky of the (n, cells per axis) kernel matrices: exact, and cheap.  The
    1-D kernel is cut to 0 beyond TRUNCATE bandwidths (below exp(-32) ~ 1e-14): its far tail would
    otherwise be subnormal numbers, which make the products many times slower and change nothing.
    """
    arg = (points[:, :, None] - AXIS) ** 2 / (2 * BANDWIDTH**2)  # (n, 2, cells per axis)
    cut = TRUNCATE**2 / 2
    k = torch.exp(-arg.clamp(max=cut)) * (arg < cut)
    h = (k[:, 0, :].T @ k[:, 1, :]).reshape(-1)
    return h / h.sum()


def w1_loss(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    return pt.wasserstein_nd(fake, real)


def sliced_loss(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    return pt.sliced_wasserstein(fake, real, p=1, n_projections=64, directions="orthogonal", seed=0)


def js_loss(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    return pt.js_divergence(soft_histogram(fake), soft_histogram(real))


# name -> loss(generated minibatch, target minibatch); "both" on the command line trains w1 and js.
LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "w1": w1_loss,
    "js": js_loss,
    "sliced": sliced_loss,
}


def minibatch_floor(batch: int, gen: torch.Generator, pairs: int = 10) -> float:
    """Mean W1 between two independent target minibatches: what the w1 loss tends to, not 0."""
    return float(np.mean([pydiv.wasserstein_nd(sample_target(batch, gen).numpy(), sample_target(batch, gen).numpy())
                          for _ in range(pairs)]))


def make_generator(seed: int, hidden: int = 64) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(2, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
        torch.nn.Linear(hidden, 2),
    ).double()


@dataclass
class Run:
    """One training run: per step the loss, the gradient norm and the histograms' overlap; evaluations every N steps."""

    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    overlap: list[float] = field(default_factory=list)  # sum_c min(h_fake, h_real) of the soft histograms
    eval_steps: list[int] = field(default_factory=list)
    eval_w1: list[float] = field(default_factory=list)
    start: np.ndarray | None = None  # the evaluation sample before and after training
    end: np.ndarray | None = None


def train(name: str, steps: int, batch: int, seed: int, lr: float, every: int,
          eval_noise: torch.Tensor, held_out: np.ndarray) -> Run:
    loss_fn = LOSSES[name]
    model = make_generator(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed + 1)  # the same noise and target minibatches for every loss
    run = Run()
    for step in range(steps + 1):
        if step % every == 0 or step == steps:
            with torch.no_grad():
                sample = model(eval_noise).numpy()
            run.eval_steps.append(step)
            run.eval_w1.append(float(pydiv.wasserstein_nd(sample, held_out)))
            run.start = sample if run.start is None else run.start
            run.end = sample
        if step == steps:
            break
        fake = model(torch.randn(batch, 2, generator=gen, dtype=torch.float64))
        real = sample_target(batch, gen)
        loss = loss_fn(fake, real)
        opt.zero_grad()
        loss.backward()
        grads = [p.grad.reshape(-1) for p in model.parameters()]
        run.loss.append(loss.item())
        run.grad_norm.append(float(torch.linalg.vector_norm(torch.cat(grads))))
        run.overlap.append(float(torch.minimum(soft_histogram(fake.detach()), soft_histogram(real)).sum()))
        opt.step()
    return run


def print_table(runs: dict[str, Run]) -> None:
    header = ["step"]
    for name in runs:
        header += [f"{name} loss", f"{name} |grad|", f"{name} W1 eval"]
    print(" ".join(f"{h:>13}" for h in header))
    first = next(iter(runs.values()))
    for k, step in enumerate(first.eval_steps):
        # loss and |grad|: means over the training steps since the previous row (row 0: the first step)
        window = slice(0, 1) if k == 0 else slice(first.eval_steps[k - 1], step)
        row = [f"{step:>13d}"]
        for run in runs.values():
            loss, grad = np.mean(run.loss[window]), np.mean(run.grad_norm[window])
            row += [f"{loss:13.6f}", f"{grad:13.3e}", f"{run.eval_w1[k]:13.6f}"]
        print(" ".join(row))


def summary(name: str, run: Run) -> str:
    moved = float(np.linalg.norm(run.end - run.start, axis=1).mean())
    tail = np.mean(run.loss[-max(1, len(run.loss) // 10):])
    return (f"{name}: loss {run.loss[0]:.6f} -> {tail:.6f} (last tenth's mean), held-out W1 {run.eval_w1[0]:.4f} -> "
            f"{run.eval_w1[-1]:.4f}, samples moved {moved:.3g} on average")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wgan_toy.py", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400, help="Adam steps per generator")
    parser.add_argument("--batch", type=int, default=128, help="generated and target points per minibatch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate")
    parser.add_argument("--eval", type=int, default=1000, help="points of the held-out evaluation samples")
    parser.add_argument("--every", type=int, default=None, help="table row every N steps (default steps/10)")
    parser.add_argument("--loss", choices=[*LOSSES, "both"], default="both", help="both = w1 and js")
    parser.add_argument("--plot", metavar="PNG", help="save the curves and final samples (needs matplotlib)")
    args = parser.parse_args(argv)
    for name in ("steps", "batch", "eval", "every"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> dict[str, Run]:
    args = parse(argv)
    every = args.every or max(1, args.steps // 10)
    names = ["w1", "js"] if args.loss == "both" else [args.loss]
    gen = torch.Generator().manual_seed(args.seed + 2)  # evaluation data, apart from the training stream
    eval_noise = torch.randn(args.eval, 2, generator=gen, dtype=torch.float64)
    held_out = sample_target(args.eval, gen).numpy()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tensors this small lose more to thread hand-offs than they gain
    try:
        t0 = time.perf_counter()
        runs = {name: train(name, args.steps, args.batch, args.seed, args.lr, every, eval_noise, held_out)
                for name in names}
        seconds = time.perf_counter() - t0
    finally:
        torch.set_num_threads(threads)
    floor = minibatch_floor(args.batch, gen)
    print(f"target: {MODES} Gaussians (std {MODE_STD}) on a circle of radius {RADIUS}; generator: MLP from "
          f"2-D noise; batch {args.batch}, Adam lr {args.lr}; log 2 = {math.log(2):.6f}")
    print("(loss, |grad|: means over the steps since the previous row; W1 eval: exact W1 from "
          f"{args.eval} generated points to {args.eval} held-out target points)")
    print(f"(two independent target minibatches are W1 = {floor:.3f} apart on average: the w1 loss's floor)")
    print_table(runs)
    for name, run in runs.items():
        print(summary(name, run))
    if "js" in runs:
        js = runs["js"]
        apart = [(abs(v - math.log(2)), g) for v, g, o in zip(js.loss, js.grad_norm, js.overlap) if o == 0]
        print(f"js: the minibatches' histograms are disjoint at {len(apart)}/{len(js.loss)} steps, where "
              f"max |loss - log 2| = {max(apart, default=(math.nan, math.nan))[0]:.2e} and "
              f"max |grad| = {max((g for _, g in apart), default=math.nan):.2e}")
    print(f"trained in {seconds:.1f} s")
    if args.plot:
        plot(runs, held_out, args.plot)
    return runs


def plot(runs: dict[str, Run], held_out: np.ndarray, path: str) -> None:
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for name, run in runs.items():
        line, = left.plot(run.loss, lw=0.8, label=f"{name} training loss")
        left.plot(run.eval_steps, run.eval_w1, "o--", color=line.get_color(), label=f"{name} generator: held-out W1")
    left.axhline(math.log(2), color="gray", ls=":", label="log 2")
    left.set_xlabel("step")
    left.set_yscale("log")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize="small")
    right.scatter(*held_out.T, s=3, c="k", label="target (held out)")
    for name, run in runs.items():
        right.scatter(*run.end.T, s=3, alpha=0.6, label=f"{name} generator, final")
    right.set_aspect("equal")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize="small", markerscale=3)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
