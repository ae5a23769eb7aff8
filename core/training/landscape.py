"""The loss landscape: training MSE over two chosen parameters, and how large a step it allows.

Qt-free and torch-free (numpy, float64): the training process computes it from the prepared
tensors and sends the grid as plain data. Parameters are ordered [w1, …, wk, b], as in a path.

Without a ReLU the MSE is a quadratic in the parameters: with A = [X, 1],
MSE(θ) = θᵀGθ − 2θᵀh + c with G = AᵀA/n, h = Aᵀy/n, c = yᵀy/n, so a whole grid costs one small
matrix product. With the ReLU there is no such shortcut: the grid is computed with the ReLU,
row chunk by row chunk. Its Hessian, 2G, has a largest eigenvalue λmax, and full-batch gradient
descent on it converges only for learning rates below 2/λmax (the model without ReLU).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

GRID_SIZE = 200
RELU_GRID_SIZE = 100  # through the ReLU every point costs a pass over the data: 4x fewer points
MARGIN = 0.35  # the grid reaches this share of its span beyond the points it must show
MIN_HALF_SPAN = 0.5  # a grid never narrower than this around its centre (parameters are O(1+))
FAR_FACTOR = 10  # path points farther from the optimum than this × its size (or the start's
# distance, if larger) stay off the grid: a diverged path would shrink the bowl to a dot
RELU_CHUNK_POINTS = 1024  # grid points per ReLU chunk: bounds the points × rows matrix in memory


@dataclass(frozen=True)
class Quadratic:
    """The pieces of the linear model's MSE, from the standardized training set (float64)."""

    design: Any  # A = [X, 1], (rows, k + 1)
    target: Any  # y, (rows,)
    gram: Any  # G = AᵀA / n
    cross: Any  # h = Aᵀy / n
    constant: float  # c = yᵀy / n

    @property
    def parameters(self) -> int:
        """k + 1: the weights and the bias."""
        return self.gram.shape[0]


def quadratic(prepared: Any) -> Quadratic:
    """The MSE's quadratic form for the prepared training set."""
    X = prepared.X_train.double().numpy()
    y = prepared.y_train.double().numpy()
    design = np.hstack([X, np.ones((X.shape[0], 1))])
    rows = design.shape[0]
    return Quadratic(design, y, design.T @ design / rows, design.T @ y / rows, float(y @ y / rows))


def hessian_max_eigenvalue(prepared: Any) -> float:
    """λmax of the MSE's Hessian 2/n·AᵀA (A = [X, 1], the model without ReLU)."""
    return _largest_eigenvalue(quadratic(prepared))


def _largest_eigenvalue(form: Quadratic) -> float:
    return float(np.linalg.eigvalsh(2.0 * form.gram)[-1])


def stability_bound(prepared: Any) -> float:
    """2/λmax: full-batch gradient descent on the MSE (no ReLU) converges below this rate."""
    return 2.0 / hessian_max_eigenvalue(prepared)


def mse_at(form: Quadratic, points: Any, relu: bool) -> Any:
    """The training MSE at each row of `points` ([w1, …, wk, b] per row), exactly."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    if not relu:  # θᵀGθ − 2θᵀh + c for every row at once
        return np.einsum("ij,ij->i", points @ form.gram, points) - 2 * points @ form.cross \
            + form.constant
    values = np.empty(len(points))
    rows = len(form.target)
    transposed = np.ascontiguousarray(form.design.T)
    buffer = np.empty((min(RELU_CHUNK_POINTS, len(points)), rows))  # reused: no big temporaries
    for start in range(0, len(points), RELU_CHUNK_POINTS):
        chunk = points[start:start + RELU_CHUNK_POINTS]
        residual = buffer[: len(chunk)]
        np.matmul(chunk, transposed, out=residual)  # net inputs, (points, rows)
        np.maximum(residual, 0.0, out=residual)  # the ReLU's predictions
        residual -= form.target
        values[start:start + len(chunk)] = np.einsum("ij,ij->i", residual, residual) / rows
    return values


@dataclass(frozen=True)
class Landscape:
    """A grid of training MSE over parameters `pair`, the others held at `fixed`."""

    pair: tuple[int, int]  # indices into [w1, …, wk, b]
    fixed: list[float]  # the full parameter vector the other parameters are taken from
    xs: list[float]  # grid coordinates of parameter pair[0]
    ys: list[float]  # and of pair[1]
    values: Any  # (len(xs), len(ys)) numpy array: values[i, j] is the MSE at (xs[i], ys[j])
    optimum: tuple[float, float]  # the closed-form optimum's coordinates in this pair
    relu: bool  # computed through the ReLU (no quadratic shortcut)

    def as_message(self) -> dict:
        """Plain JSON data for the pipe: lists, floats, and the grid as base64 of float32 bytes (row-major)."""
        return {"pair": list(self.pair), "fixed": list(self.fixed), "xs": list(self.xs),
                "ys": list(self.ys), "values": base64.b64encode(self.values.astype("<f4").tobytes()).decode("ascii"),
                "shape": list(self.values.shape), "optimum": list(self.optimum),
                "relu": self.relu}


def grid_values(message: dict) -> Any:
    """The grid of an `as_message` dict as a (len(xs), len(ys)) float32 array."""
    return np.frombuffer(base64.b64decode(message["values"]), dtype="<f4").reshape(message["shape"])


def pair_choices(feature_names: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """The parameter pairs a landscape can show: w1 × w2 (with two or more weights), then each w × b."""
    k = len(feature_names)
    return ([(0, 1)] if k >= 2 else []) + [(i, k) for i in range(k)]


def pair_label(pair: tuple[int, int] | list[int], feature_names: list[str] | tuple[str, ...]) -> str:
    """`w(x1) × w(x2)` or `w(x1) × b`, for a chooser and axis titles."""
    return " × ".join(parameter_name(i, feature_names) for i in pair)


def parameter_name(index: int, feature_names: list[str] | tuple[str, ...]) -> str:
    """`w(x1)` for a weight, `b` for the bias."""
    return "b" if index == len(feature_names) else f"w({feature_names[index]})"


def grid_range(values: Any) -> tuple[float, float]:
    """A span covering `values` (finite ones) with a margin on each side."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]  # numpy: a long run's path has millions of points
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    half = max((high - low) / 2 * (1 + 2 * MARGIN), MIN_HALF_SPAN)
    middle = (low + high) / 2
    return middle - half, middle + half


def landscape(form: Quadratic, pair: tuple[int, int], fixed: list[float], optimum: list[float],
              relu: bool, show: Any = (), size: int | None = None) -> Landscape:
    """The MSE over `pair` on a size × size grid spanning `fixed`, `optimum` and the points in `show`.

    The size defaults to GRID_SIZE, or RELU_GRID_SIZE through the ReLU.
    """
    size = size or (RELU_GRID_SIZE if relu else GRID_SIZE)
    i, j = pair
    points = np.vstack([np.asarray(fixed, dtype=np.float64), np.asarray(optimum, dtype=np.float64),
                        np.asarray(show, dtype=np.float64).reshape(-1, len(fixed))])
    xs = np.linspace(*grid_range(points[:, i]), size)
    ys = np.linspace(*grid_range(points[:, j]), size)
    grid = np.tile(np.asarray(fixed, dtype=np.float64), (size * size, 1))
    grid[:, i] = np.repeat(xs, size)
    grid[:, j] = np.tile(ys, size)
    values = mse_at(form, grid, relu).reshape(size, size)
    return Landscape(tuple(pair), list(map(float, fixed)), xs.tolist(), ys.tolist(), values,
                     (float(optimum[i]), float(optimum[j])), relu)


def landscapes_message(form: Quadratic, feature_names: list[str] | tuple[str, ...],
                       fixed: list[float], optimum: list[float], relu: bool,
                       show: Any = (),
                       progress: Callable[[int, int], None] | None = None) -> dict:
    """Every pair's landscape around `fixed` as plain data, with the stability bound.

    `progress(done, total)` is called before the first pair (after the filter) and after each (the training process
    says it is busy).
    """
    largest = _largest_eigenvalue(form)
    scale = max(max(abs(a - b) for a, b in zip(fixed, optimum)), max(map(abs, optimum)),
                MIN_HALF_SPAN)
    reach = FAR_FACTOR * scale
    show = np.asarray(show, dtype=np.float64).reshape(-1, len(optimum))
    near = np.abs(show - np.asarray(optimum, dtype=np.float64)) <= reach  # NaN and ±inf: False
    show = show[near.all(axis=1)]  # a diverged path: not all of it
    pairs, choices = [], pair_choices(feature_names)
    if progress is not None:
        progress(0, len(choices))  # a beat once the paths are filtered: a long run's take a while
    for pair in choices:
        pairs.append(landscape(form, pair, fixed, optimum, relu, show).as_message())
        if progress is not None:
            progress(len(pairs), len(choices))
    return {
        "feature_names": list(feature_names),
        "pairs": pairs,
        "hessian_max_eigenvalue": largest,
        "lr_stability_bound": 2.0 / largest,
    }
