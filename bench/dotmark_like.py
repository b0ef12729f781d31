"""Seeded generators of DOTmark-like test images (square 2-D histograms).

The classes follow the spirit of the DOTmark benchmark of discrete optimal
transport (Schrieber, Schuhmacher and Gottschlich, 2017), drawn afresh from a
seeded NumPy Generator instead of read from its files:

* ``white-noise``: independent uniform cells.
* ``grf-smooth`` / ``grf-rough``: Gaussian random fields, white noise filtered
  in Fourier space by a Gaussian of correlation length 1/10 (smooth) or 1/50
  (rough) of the side, periodic, shifted to minimum 0.
* ``cauchy``: mixtures of 2 to 5 bivariate Cauchy bumps of random centres,
  widths and weights (every cell positive, heavy tails).
* ``shapes``: 1 to 3 random filled ellipses and rectangles of constant height
  on zeros (mostly zero cells: sparse supports).

Invariant: every image is float64, non-negative, of total exactly 1 up to
rounding, with at least one positive cell; the same (class, side, seed, index)
gives the same image on every run and in every process.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def white_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.random((n, n))


def _gaussian_random_field(n: int, rng: np.random.Generator, length: float) -> np.ndarray:
    # A Gaussian filter of standard deviation `length` pixels has Fourier
    # transform exp(-2 pi^2 length^2 |k|^2), k in cycles per pixel.
    k = np.fft.fftfreq(n)
    k2 = k[:, None] ** 2 + k[None, :] ** 2
    spectrum = np.fft.fft2(rng.standard_normal((n, n))) * np.exp(-2.0 * np.pi**2 * length**2 * k2)
    field = np.fft.ifft2(spectrum).real
    return field - field.min()


def grf_smooth(n: int, rng: np.random.Generator) -> np.ndarray:
    return _gaussian_random_field(n, rng, n / 10)


def grf_rough(n: int, rng: np.random.Generator) -> np.ndarray:
    return _gaussian_random_field(n, rng, max(n / 50, 0.5))


def cauchy(n: int, rng: np.random.Generator) -> np.ndarray:
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    image = np.zeros((n, n))
    for _ in range(rng.integers(2, 6)):
        cy, cx = rng.uniform(0, n, size=2)
        gamma = rng.uniform(0.02, 0.1) * n
        # Bivariate Cauchy density: (1 + r^2 / gamma^2)^(-3/2) / (2 pi gamma^2).
        r2 = ((y - cy) ** 2 + (x - cx) ** 2) / gamma**2
        image += rng.uniform(0.2, 1.0) * (1.0 + r2) ** -1.5 / (2 * np.pi * gamma**2)
    return image


def shapes(n: int, rng: np.random.Generator) -> np.ndarray:
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    image = np.zeros((n, n))
    for _ in range(rng.integers(1, 4)):
        cy, cx = rng.uniform(0.15 * n, 0.85 * n, size=2)
        ry, rx = rng.uniform(0.05 * n, 0.25 * n, size=2)
        if rng.random() < 0.5:
            inside = ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1.0
        else:
            inside = (np.abs(y - cy) <= ry) & (np.abs(x - cx) <= rx)
        image[inside] = rng.uniform(0.5, 1.0)
    if not image.any():  # a shape smaller than one cell: keep the image a distribution
        image[int(cy), int(cx)] = 1.0
    return image


CLASSES: dict[str, Callable[[int, np.random.Generator], np.ndarray]] = {
    "white-noise": white_noise,
    "grf-smooth": grf_smooth,
    "grf-rough": grf_rough,
    "cauchy": cauchy,
    "shapes": shapes,
}


def image(name: str, n: int, seed: int = 0, index: int = 0) -> np.ndarray:
    """Image number `index` of class `name` on an n x n grid, total 1."""
    names = list(CLASSES)
    rng = np.random.default_rng([seed, names.index(name), n, index])
    out = CLASSES[name](n, rng)
    return out / out.sum()


def pair(name: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two independent images of one class, as DOTmark compares them."""
    return image(name, n, seed, 0), image(name, n, seed, 1)


def stack(name: str, n: int, count: int, seed: int = 0) -> np.ndarray:
    """`count` images of one class, shape (count, n, n)."""
    return np.stack([image(name, n, seed, index) for index in range(count)])
