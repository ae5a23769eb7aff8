"""The training variants, in one registry: name, title, description and class, in display order.

Everything that lists variants (the command line, the cards, the overlay, the results table, the
trace menu, the training process) reads them from here, and a variant's position is its index:
the GUI colours it by that index. Importing this module does not import torch: a variant's class
is loaded only when something trains it, and its source (for "View code") is read from its file.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

VARIANTS_MODULE = "core.training.variants"


@dataclass(frozen=True)
class VariantInfo:
    """One way of training the model: how it is named and described, and where its class lives."""

    name: str  # the key used on the command line, in files and in object names
    title: str  # what a person reads: card titles, legends, table rows
    description: str  # one line: what this variant does differently
    class_name: str  # the class in `module` that trains it
    module: str = VARIANTS_MODULE

    def load(self) -> type:
        """The class itself (imports its module, and with it torch: training code only)."""
        return _class_from_source(self.module, self.class_name)

    @property
    def source(self) -> str:
        """The class's source text, read from its file without importing it."""
        return _read_class(self.module, self.class_name)[0]

    @property
    def first_line(self) -> int:
        """The line of its file the class starts on (the source's line 1)."""
        return _read_class(self.module, self.class_name)[1]

    @property
    def path(self) -> Path:
        """The file the class is written in."""
        return _module_path(self.module)


# In the order the seed notebook built them: the order matters for "notebook" init.
_REGISTRY: list[VariantInfo] = [
    VariantInfo("manual", "Manual",
                "gradients written by hand, including the ReLU's derivative", "Manual"),
    VariantInfo("semi_manual", "Semi-manual",
                "torch.autograd.grad computes the gradients, the update is written by hand",
                "SemiManual"),
    VariantInfo("automatic", "Automatic",
                "nn.Module with nn.Linear and F.relu, loss.backward(), torch.optim.SGD", "Automatic"),
    VariantInfo("sequential", "Sequential",
                "nn.Sequential(nn.Linear, nn.ReLU), loss.backward(), torch.optim.SGD", "Sequential"),
]


def variants() -> tuple[VariantInfo, ...]:
    """Every registered variant, in order."""
    return tuple(_REGISTRY)


def names() -> tuple[str, ...]:
    """Every registered variant's name, in order."""
    return tuple(info.name for info in _REGISTRY)


def info(name: str) -> VariantInfo:
    """The registered variant called `name`; ValueError naming the choices if there is none."""
    for entry in _REGISTRY:
        if entry.name == name:
            return entry
    raise ValueError(f"unknown variant '{name}' (choose from {', '.join(names())})")


def index(name: str) -> int:
    """The position of variant `name` (its colour in the GUI follows it)."""
    return names().index(info(name).name)


def register(entry: VariantInfo) -> None:
    """Add a variant after the others; ValueError if its name is taken or not a plain word."""
    if not entry.name.isidentifier():
        raise ValueError(f"a variant's name must be a plain word like my_variant, not {entry.name!r}")
    if entry.name in names():
        raise ValueError(f"a variant called '{entry.name}' is already registered")
    _REGISTRY.append(entry)


def unregister(name: str) -> None:
    """Remove variant `name` (a test's or a plug-in's; ValueError if unknown)."""
    _REGISTRY.remove(info(name))


@functools.lru_cache(maxsize=None)
def _module_path(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"no module {module!r} to read a variant from")
    return Path(spec.origin)


@functools.lru_cache(maxsize=None)
def _read_class(module: str, class_name: str) -> tuple[str, int]:
    """(source, first line) of a class, parsed from its module's file: nothing is imported."""
    text = _module_path(module).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return ast.get_source_segment(text, node) or "", node.lineno
    raise ValueError(f"no class {class_name} in {_module_path(module)}")


def _class_from_source(module: str, class_name: str) -> type:
    """Import `module` and return its class `class_name` (a module-level class, checked)."""
    loaded = importlib.import_module(module)
    found = vars(loaded).get(class_name)
    if not isinstance(found, type):
        raise ValueError(f"{module} has no class {class_name}")
    return found
