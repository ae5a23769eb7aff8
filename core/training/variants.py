"""The four ways to train the same linear regression (with an optional ReLU), side by side.

Each class is short on purpose: the training page shows its source as the code that ran.
Their names, titles and descriptions, and their order, are in core.training.registry.
All take the same inputs, train one epoch per `step()` (one step per batch: by default one
full-batch gradient-descent step) and expose `weights`, `bias`, `net_input(X)` and `predict(X)`.
They use torch's global random generator only when no starting values are given, exactly like
the seed notebook's models; minibatches come from a generator of their own.
The update rule (SGD, momentum, Adam) is written by hand in the first two (`HandWrittenUpdate`)
and taken from torch.optim in the others: the same arithmetic, so all of them still coincide.
"""

from __future__ import annotations


import torch
import torch.nn.functional as F
from torch import nn

from core.training.request import (
    ACTIVATIONS, DEFAULT_MOMENTUM, DEFAULT_OPTIMIZER, DEFAULT_SHUFFLE_SEED, OPTIMIZERS,
)

ADAM_BETAS = (0.9, 0.999)  # torch.optim.Adam's defaults, used by both versions
ADAM_EPS = 1e-8


class Variant:
    """Common interface: a model of y ≈ activation(X·w + b) trained one step at a time."""

    def __init__(self, X, y, lr, activation="relu", optimizer=DEFAULT_OPTIMIZER,
                 momentum=DEFAULT_MOMENTUM, batch_size=None, shuffle_seed=DEFAULT_SHUFFLE_SEED):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r} (choose from relu, none)")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r} (choose from {', '.join(OPTIMIZERS)})")
        self.X, self.y, self.lr, self.activation = X, y, lr, activation
        self.rule, self.momentum, self.batch_size = optimizer, momentum, batch_size
        self.generator = torch.Generator().manual_seed(shuffle_seed)  # minibatch order only

    def batches(self):
        """This epoch's (X, y) batches: all rows at once, or minibatches in a fresh random order."""
        rows = self.y.size(0)
        if self.batch_size is None or self.batch_size >= rows:
            return [(self.X, self.y)]  # full batch: one step on every row, in the data's order
        return self.minibatches(rows)

    def minibatches(self, rows):
        """The rows in batches of `batch_size`, in a new random order every epoch."""
        order = torch.randperm(rows, generator=self.generator)  # a new order every epoch
        for start in range(0, rows, self.batch_size):
            chosen = order[start:start + self.batch_size]  # the last batch may be smaller
            yield self.X[chosen], self.y[chosen]

    def torch_optimizer(self, parameters):
        """torch.optim's version of the chosen update rule, for the nn.Module variants."""
        if self.rule == "adam":
            return torch.optim.Adam(parameters, lr=self.lr, betas=ADAM_BETAS, eps=ADAM_EPS)
        momentum = self.momentum if self.rule == "momentum" else 0.0
        return torch.optim.SGD(parameters, lr=self.lr, momentum=momentum)

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
        """One epoch: one update per batch."""
        raise NotImplementedError


class HandWrittenUpdate:
    """SGD, SGD with momentum and Adam written out: how much to subtract from a parameter.

    The same formulas as torch.optim.SGD and torch.optim.Adam (their defaults otherwise), so
    the hand-written variants and the torch.optim ones take the same steps.
    """

    def __init__(self, rule, lr, momentum):
        self.rule, self.lr, self.momentum = rule, lr, momentum
        self.velocity = {}  # momentum: past gradients, each step's weight shrunk by `momentum`
        self.average, self.square = {}, {}  # Adam: running means of the gradient and its square
        self.steps = {}  # Adam: how many updates each parameter had (for the bias correction)

    def __call__(self, name, grad):
        """The amount to subtract from parameter `name`, whose gradient this step is `grad`."""
        if self.rule == "sgd":
            return self.lr * grad
        if self.rule == "momentum":
            self.velocity[name] = self.momentum * self.velocity.get(name, 0.0) + grad
            return self.lr * self.velocity[name]
        beta1, beta2 = ADAM_BETAS
        t = self.steps[name] = self.steps.get(name, 0) + 1
        self.average[name] = beta1 * self.average.get(name, 0.0) + (1 - beta1) * grad
        self.square[name] = beta2 * self.square.get(name, 0.0) + (1 - beta2) * grad * grad
        average = self.average[name] / (1 - beta1**t)  # the means start at 0: undo that bias
        square = self.square[name] / (1 - beta2**t)
        return self.lr * average / (torch.sqrt(square) + ADAM_EPS)


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

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, relu_derivative=True,
                 **rule):
        super().__init__(X, y, lr, activation, **rule)
        self.relu_derivative = relu_derivative
        self.w = weights.clone() if weights is not None else torch.rand(X.size(1), 1)
        self.b = bias.clone() if bias is not None else torch.rand(1)
        self.update = HandWrittenUpdate(self.rule, lr, self.momentum)

    def net_input(self, X):
        return torch.add(torch.mm(X, self.w), self.b).view(-1)

    def step(self):
        for X, y in self.batches():
            n = y.size(0)
            net = self.net_input(X)
            grad_loss_yhat = 2 * (self.activate(net) - y)  # d/d(yhat) of (yhat - y)²
            grad_loss_net = grad_loss_yhat  # chain rule through the activation: times its slope,
            if self.activation == "relu" and self.relu_derivative:
                grad_loss_net = grad_loss_yhat * (net > 0)  # relu'(v) = 1 if v > 0 else 0
            grad_w = torch.mm(X.t(), grad_loss_net.view(-1, 1)) / n  # mean over rows
            grad_b = torch.sum(grad_loss_net) / n
            self.w -= self.update("w", grad_w)  # plain SGD: self.lr * grad_w
            self.b -= self.update("b", grad_b)

    @property
    def weights(self):
        return [row[0] for row in self.w.tolist()]  # the weights are a (features, 1) column

    @property
    def bias(self):
        return self.b.item()


class SemiManual(Variant):
    """torch builds the loss and `torch.autograd.grad` differentiates it; the update is by hand."""

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, **rule):
        super().__init__(X, y, lr, activation, **rule)
        self.w = weights.clone() if weights is not None else torch.rand(X.size(1), 1)
        self.b = bias.clone() if bias is not None else torch.rand(1)
        self.w.requires_grad_(True)
        self.b.requires_grad_(True)
        self.update = HandWrittenUpdate(self.rule, lr, self.momentum)

    def net_input(self, X):
        return torch.add(torch.mm(X, self.w), self.b).view(-1)

    def step(self):
        for X, y in self.batches():
            loss = torch.mean((self.predict(X) - y) ** 2)
            grad_w, grad_b = torch.autograd.grad(loss, [self.w, self.b])
            with torch.no_grad():  # the update itself must not become part of the next graph
                self.w -= self.update("w", grad_w)  # plain SGD: self.lr * grad_w
                self.b -= self.update("b", grad_b)

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

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, **rule):
        super().__init__(X, y, lr, activation, **rule)
        self.model = Automatic.Model(X.size(1), activation)
        self.linear = self.model.linear
        self.start_from(weights, bias)
        self.optimizer = self.torch_optimizer(self.model.parameters())  # SGD, momentum or Adam

    def step(self):
        for X, y in self.batches():
            loss = F.mse_loss(self.model(X), y)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()


class Sequential(ModuleVariant):
    """The same model built as nn.Sequential(nn.Linear, nn.ReLU), with the same optimizer."""

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, **rule):
        super().__init__(X, y, lr, activation, **rule)
        relu = [nn.ReLU()] if activation == "relu" else []
        self.model = nn.Sequential(nn.Linear(X.size(1), 1), *relu)
        self.linear = self.model[0]
        self.start_from(weights, bias)
        self.optimizer = self.torch_optimizer(self.model.parameters())  # SGD, momentum or Adam

    def step(self):
        for X, y in self.batches():
            loss = F.mse_loss(self.model(X).view(-1), y)  # (rows, 1) -> (rows,)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()


class ForgottenZeroGrad(Automatic):
    """Automatic with one line missing: optimizer.zero_grad(). A classic bug, on purpose.

    loss.backward() does not replace .grad, it adds to it. Without zero_grad() the step at
    epoch 2 uses epoch 1's gradient plus epoch 2's, the next one the sum of all three, ...
    `used` keeps the first two gradients the optimizer saw, for the card to show.
    """

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, **rule):
        super().__init__(X, y, lr, activation, weights, bias, **rule)
        self.used = []  # [w..., b] of .grad as the optimizer used it, first two steps only

    def step(self):
        for X, y in self.batches():
            loss = F.mse_loss(self.model(X), y)
            loss.backward()  # no zero_grad() before it: this gradient is ADDED to the old one
            self.optimizer.step()
            if len(self.used) < 2:
                self.used.append(self.linear.weight.grad.view(-1).tolist()
                                 + self.linear.bias.grad.tolist())
