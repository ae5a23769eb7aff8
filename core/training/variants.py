"""The four ways to train the same linear regression (with an optional ReLU), side by side.

Each class is short on purpose: the training page shows its source as the code that ran.
Their names, titles and descriptions, and their order, are in core.training.registry.
All four take the same inputs, do one full-batch gradient-descent step per `step()`, and expose
`weights`, `bias`, `net_input(X)` and `predict(X)`. They use torch's global random generator
only when no starting values are given, exactly like the seed notebook's models.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from core.training.request import ACTIVATIONS


def gradient_norm(*gradients: torch.Tensor) -> float:
    """Euclidean length of all gradient entries together, as a Python float."""
    return math.hypot(*_entries(gradients))  # see _entries: no view(-1) per tensor, every epoch


class Variant:
    """Common interface: a model of y ≈ activation(X·w + b) trained one step at a time."""

    def __init__(self, X, y, lr, activation="relu"):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r} (choose from relu, none)")
        self.X, self.y, self.lr, self.activation = X, y, lr, activation

    def activate(self, net):
        """Apply the activation to net inputs."""
        return F.relu(net) if self.activation == "relu" else net

    def net_input(self, X):
        """X·w + b for the rows of X, shape (rows,): what the activation receives."""
        raise NotImplementedError

    def predict(self, X):
        """Predictions for the rows of X, shape (rows,)."""
        return self.activate(self.net_input(X))

    def step(self):
        """One full-batch gradient-descent update; return the gradient's norm."""
        raise NotImplementedError


class Manual(Variant):
    """Gradients written by hand: matrix product, bias, activation, chain rule.

    The seed notebook left the ReLU's derivative out of its hand-written gradient. That almost
    worked because its targets were shifted to be all positive: the best fit predicts a positive
    value for every row, so there every unit is active, relu'(v) = 1, and leaving it out
    changes nothing. It is not exact, though: on
    the course data, seed 123's starting weights leave about a third of the units inactive, the
    notebook's first step pushes them as if they were linear, and after 100 epochs the bias
    still differs in its 4th decimal. relu_derivative=False reproduces the notebook exactly.
    """

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, relu_derivative=True):
        super().__init__(X, y, lr, activation)
        self.relu_derivative = relu_derivative
        self.w = weights.clone() if weights is not None else torch.rand(X.size(1), 1)
        self.b = bias.clone() if bias is not None else torch.rand(1)

    def net_input(self, X):
        return torch.add(torch.mm(X, self.w), self.b).view(-1)

    def step(self):
        n = self.y.size(0)
        net = self.net_input(self.X)
        grad_loss_yhat = 2 * (self.activate(net) - self.y)  # d/d(yhat) of (yhat - y)²
        grad_loss_net = grad_loss_yhat  # chain rule through the activation: times its slope,
        if self.activation == "relu" and self.relu_derivative:
            grad_loss_net = grad_loss_yhat * (net > 0)  # relu'(v) = 1 if v > 0 else 0
        grad_w = torch.mm(self.X.t(), grad_loss_net.view(-1, 1)) / n  # mean over rows
        grad_b = torch.sum(grad_loss_net) / n
        self.w -= self.lr * grad_w
        self.b -= self.lr * grad_b
        return gradient_norm(grad_w, grad_b)

    @property
    def weights(self):
        return [row[0] for row in self.w.tolist()]  # the weights are a (features, 1) column

    @property
    def bias(self):
        return self.b.item()


class SemiManual(Variant):
    """torch builds the loss and `torch.autograd.grad` differentiates it; the update is by hand."""

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None):
        super().__init__(X, y, lr, activation)
        self.w = weights.clone() if weights is not None else torch.rand(X.size(1), 1)
        self.b = bias.clone() if bias is not None else torch.rand(1)
        self.w.requires_grad_(True)
        self.b.requires_grad_(True)

    def net_input(self, X):
        return torch.add(torch.mm(X, self.w), self.b).view(-1)

    def step(self):
        loss = torch.mean((self.predict(self.X) - self.y) ** 2)
        grad_w, grad_b = torch.autograd.grad(loss, [self.w, self.b])
        with torch.no_grad():  # the update itself must not become part of the next graph
            self.w -= self.lr * grad_w
            self.b -= self.lr * grad_b
        return gradient_norm(grad_w, grad_b)

    @property
    def weights(self):
        return [row[0] for row in self.w.tolist()]  # the weights are a (features, 1) column

    @property
    def bias(self):
        return self.b.item()


class ModuleVariant(Variant):
    """Plumbing shared by the two nn.Module variants: reading parameters out of `self.linear`."""

    def start_from(self, weights, bias):
        """Overwrite nn.Linear's own initial values when starting values are given."""
        if weights is not None:
            with torch.no_grad():
                self.linear.weight.copy_(weights.view(1, -1))
                self.linear.bias.copy_(bias.view(1))

    def net_input(self, X):
        return self.linear(X).view(-1)

    def predict(self, X):
        return self.model(X).view(-1)

    @property
    def weights(self):
        return self.linear.weight.tolist()[0]  # the weight matrix is (1, features)

    @property
    def bias(self):
        return self.linear.bias.item()


class Automatic(ModuleVariant):
    """An nn.Module with nn.Linear and F.relu; loss.backward() and torch.optim.SGD do the rest."""

    class Model(nn.Module):
        def __init__(self, num_features, activation):
            super().__init__()
            self.linear = nn.Linear(num_features, 1)
            self.activation = activation

        def forward(self, x):
            net = self.linear(x)
            return (F.relu(net) if self.activation == "relu" else net).view(-1)

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None):
        super().__init__(X, y, lr, activation)
        self.model = Automatic.Model(X.size(1), activation)
        self.linear = self.model.linear
        self.start_from(weights, bias)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)

    def step(self):
        loss = F.mse_loss(self.model(self.X), self.y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return gradient_norm(self.linear.weight.grad, self.linear.bias.grad)


class Sequential(ModuleVariant):
    """The same model built as nn.Sequential(nn.Linear, nn.ReLU), with the same optimizer."""

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None):
        super().__init__(X, y, lr, activation)
        relu = [nn.ReLU()] if activation == "relu" else []
        self.model = nn.Sequential(nn.Linear(X.size(1), 1), *relu)
        self.linear = self.model[0]
        self.start_from(weights, bias)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)

    def step(self):
        loss = F.mse_loss(self.model(self.X).view(-1), self.y)  # (rows, 1) -> (rows,)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return gradient_norm(self.linear.weight.grad, self.linear.bias.grad)


def _entries(tensors) -> list[float]:
    """Every entry of the tensors in order, from tolist() of each as it is (cheaper than a view)."""
    values: list[float] = []
    for g in tensors:
        nested = g.tolist()
        if not isinstance(nested, list):
            values.append(nested)  # a 0-dim tensor
        elif g.dim() == 1:
            values += nested
        elif g.dim() == 2:
            for row in nested:
                values += row
        else:
            values += g.reshape(-1).tolist()
    return values
