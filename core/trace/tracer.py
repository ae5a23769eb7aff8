"""The autograd bridge: run a variant's own step() and turn the graph torch built into plain data.

Nothing here re-states a variant's loss. `trace_variant` runs the real `step()` on a copy of the
variant while two torch modes watch: a dispatch mode notes every forward operation (its result,
its tensor arguments, the line of core/training/variants.py that called it), and a function mode stops
the first `loss.backward()` or `torch.autograd.grad(loss, ...)` just long enough to walk
`loss.grad_fn` (its `next_functions`, down to `AccumulateGrad` at the parameters) and hook every
function, so the gradients recorded are the ones torch computes for that very step. The result
is a `TensorGraph` (core.trace.graph), which crosses to the window as JSON and never needs torch.

The manual variant builds no autograd graph; `trace_variant` returns its hand-derived chain
(core.trace.manual_chain) instead.
"""

from __future__ import annotations

import copy
import inspect
import sys
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from core.trace.keeps import Keeps
from core.trace.keeps_text import backward_twice_notes
from core.trace.source_lines import ClassSource
from core.trace.tensor_value import TensorValue
from core.trace.graph import (AUTOGRAD, TensorGraph, add_tensor_edge, add_tensor_node,
                              new_tensor_graph, trace_from_dict, trace_to_dict)
from core.trace.words import expression, local_words, result_symbol

__all__ = ["TraceError", "trace_variant", "trace_from_config", "trace_to_dict", "trace_from_dict"]

DATA_ATTRIBUTES = ("X", "y")  # the variant's data tensors, shown as constants
PARAMETER_LABELS = {"w": "weight", "b": "bias"}  # plain tensors used as parameters (SemiManual)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class TraceError(RuntimeError):
    """The variant's step could not be traced (it never asked torch for gradients)."""


def trace_from_config(prepared: Any, config: Any, name: str) -> TensorGraph:
    """Build variant `name` as a training run would and trace it after `config.epochs` epochs.

    With epochs 0 (and the other defaults) this is the shared start, before the first update.
    """
    from core.training.run import TrainingRun

    run = TrainingRun(prepared, replace(config, variants=(name,)))
    for _ in run.epochs():
        pass
    return trace_variant(run.variants[name], name)


def trace_variant(variant: Any, name: str = "") -> TensorGraph:
    """The graph of `variant`'s loss at its current parameters; the variant itself is untouched."""
    from core.trace.manual_chain import manual_chain
    from core.training.variants import Manual

    if isinstance(variant, Manual):
        return manual_chain(variant, name or "manual")
    twin = copy.deepcopy(variant)  # step() updates the parameters: let it update a copy
    recording = _record_step(twin)
    return _GraphBuilder(twin, recording, name or type(variant).__name__).build()


# --- watching one step ---------------------------------------------------------------------------


@dataclass
class _Call:
    """One forward operation: its aten name, arguments and result, and the lines that called it."""

    op: str
    args: tuple
    result: Any
    lines: list[int]  # lines of core/training/variants.py on the stack, innermost first


@dataclass
class _Recording:
    """What one step() showed: the loss, its functions in order, and the gradients torch sent."""

    loss: Any = None
    backward_lines: list[int] = field(default_factory=list)
    calls: dict[Any, _Call] = field(default_factory=dict)  # grad_fn -> the call that made it
    parameters: dict[Any, TensorValue] = field(default_factory=dict)  # AccumulateGrad -> value
    output_grads: dict[Any, TensorValue] = field(default_factory=dict)  # grad_fn -> ∂L/∂its result
    input_grads: dict[Any, list] = field(default_factory=dict)  # grad_fn -> [∂L/∂operand or None]
    keeps: Any = None  # core.trace.keeps.Keeps: what retain_grad, hooks and autograd.grad give


class _ForwardCalls(TorchDispatchMode):
    """Notes every operation with its result while `recording` is on."""

    def __init__(self, source_file: str):
        super().__init__()
        self.source_file, self.recording, self.calls = source_file, True, []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        if self.recording and isinstance(result, torch.Tensor):
            self.calls.append(_Call(func.overloadpacket.__name__, args, result,
                                    _lines_in(self.source_file)))
        return result


class _FirstBackward(TorchFunctionMode):
    """Stops the first backward()/autograd.grad call to hook the graph before torch runs it."""

    def __init__(self, forward: _ForwardCalls, recording: _Recording):
        super().__init__()
        self.forward, self.recording = forward, recording

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.recording.loss is None and func in (torch.Tensor.backward, torch.autograd.grad):
            self.forward.recording = False
            outputs = args[0] if args else kwargs.get("outputs", kwargs.get("self"))
            loss = outputs if isinstance(outputs, torch.Tensor) else outputs[0]
            self.recording.backward_lines = _lines_in(self.forward.source_file)
            _hook_graph(loss, self.forward.calls, self.recording)
        return func(*args, **kwargs)


def _record_step(variant: Any) -> _Recording:
    """Run one real step of `variant` under watch; TraceError if it never calls autograd."""
    recording = _Recording()
    forward = _ForwardCalls(inspect.getsourcefile(type(variant)))
    with _FirstBackward(forward, recording), forward:
        variant.step()
    if recording.loss is None:
        raise TraceError(f"{type(variant).__name__}.step() never asked torch for gradients")
    recording.keeps.finish()
    return recording


def _hook_graph(loss: Any, calls: list[_Call], recording: _Recording) -> None:
    """Snapshot the forward values and hook every backward function of `loss`'s graph."""
    if loss.grad_fn is None:
        raise TraceError("the loss does not depend on any parameter")
    recording.loss = loss
    # first, before any hook of ours: its extra passes must not reach the recording below
    recording.keeps = Keeps(loss, [call.result for call in calls if call.result.grad_fn is not None])
    for call in calls:  # in-place results share a grad_fn; the last call is the one that counts
        if call.result.grad_fn is not None:
            recording.calls[call.result.grad_fn] = replace(call, result=TensorValue.of(call.result))
    for fn in _functions(loss.grad_fn):
        if hasattr(fn, "variable"):  # AccumulateGrad: the parameter, before the update changes it
            recording.parameters[fn] = TensorValue.of(fn.variable)
        else:
            fn.register_hook(_grad_catcher(fn, recording))


def _grad_catcher(fn: Any, recording: _Recording):
    """A post-hook that keeps what torch computed at `fn`: ∂L/∂result and ∂L/∂each operand."""
    def catch(grad_inputs, grad_outputs):
        recording.output_grads[fn] = TensorValue.of(grad_outputs[0])
        recording.input_grads[fn] = [None if g is None else g.detach().clone() for g in grad_inputs]
    return catch


def _functions(root: Any) -> list[Any]:
    """Every backward function under `root`, operands before users (a topological order)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        fn, expanded = stack.pop()
        if expanded:
            order.append(fn)
        elif fn not in seen:
            seen.add(fn)
            stack.append((fn, True))
            stack.extend((child, False) for child, _ in reversed(fn.next_functions) if child is not None)
    return order


def _lines_in(source_file: str) -> list[int]:
    """Line numbers of `source_file` on the current Python stack, innermost first."""
    lines, frame = [], sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == source_file:
            lines.append(frame.f_lineno)
        frame = frame.f_back
    return lines


# --- from the recording to a TensorGraph --------------------------------------------------------


class _GraphBuilder:
    """Lays the recorded functions and tensors out as a TensorGraph, operands first."""

    def __init__(self, variant: Any, recording: _Recording, name: str):
        self.variant, self.recording, self.name = variant, recording, name
        self.source = ClassSource(type(variant))
        self.graph = new_tensor_graph()
        self.ids: dict[Any, int] = {}  # grad_fn, or id() of a data tensor -> node id
        self.inputs: dict[str, int] = {}
        self.parameter_grads: dict[int, Any] = {}  # parameter node -> its gradient so far
        self.parameters = _parameters(variant, self.source)
        self.data = {id(getattr(variant, a)): a for a in DATA_ATTRIBUTES if hasattr(variant, a)}

    def build(self) -> TensorGraph:
        root = self.recording.loss.grad_fn
        for fn in _functions(root):
            self.add_function(fn, is_output=fn is root)
        tg = TensorGraph(self.graph, self.ids[root], self.inputs, variant=self.name, method=AUTOGRAD,
                         backward_twice=self.recording.keeps.story())
        tg.notes = self.notes(tg)
        return tg

    def add_function(self, fn: Any, is_output: bool) -> None:
        if fn in self.recording.parameters:
            self.add_parameter(fn)
            return
        call = self.recording.calls.get(fn)
        if call is None:
            raise TraceError(f"torch made {fn.name()} without an operation this trace could see")
        grads = self.recording.input_grads.get(fn, [None] * len(fn.next_functions))
        operands = [self.operand(fn, call, slot, child) for slot, (child, _) in enumerate(fn.next_functions)]
        symbols = [self.graph.nodes[n]["symbol"] for n in operands]
        symbol = "L" if is_output else self.unique(result_symbol(call.op, symbols, call.args))
        line = self.source.innermost(call.lines)
        node_id = add_tensor_node(
            self.graph, "op", call.op, symbol, call.result, self.recording.output_grads.get(fn),
            op=fn.name(), expr=expression(call.op, symbols, call.args), line=line,
            code=self.source.code(line), kept=self.recording.keeps.values.get(fn),
        )
        self.ids[fn] = node_id
        for slot, (operand, grad) in enumerate(zip(operands, grads)):
            source = self.graph.nodes[operand]
            contribution = None if grad is None or source["kind"] == "const" else TensorValue.of(grad)
            words = (f"none: {source['symbol']} is data, torch computes no gradient for it"
                     if source["kind"] == "const"
                     else local_words(call.op, slot, symbols, source["shape"], call.result, call.args))
            add_tensor_edge(self.graph, operand, node_id, slot, words, contribution)
            if source["kind"] == "input" and grad is not None:
                # autograd.grad never runs AccumulateGrad: the parameter's gradient is the sum of
                # what its users sent back, exactly as AccumulateGrad would have added it up
                total = self.parameter_grads.get(operand)
                self.parameter_grads[operand] = grad if total is None else total + grad
                source["grad"] = TensorValue.of(self.parameter_grads[operand])

    def unique(self, symbol: str) -> str:
        """`symbol`, or `symbol₂`, `symbol₃`, ... when an earlier node has it already."""
        taken = {data["symbol"] for _, data in self.graph.nodes(data=True)}
        number, candidate = 1, symbol
        while candidate in taken:
            number += 1
            candidate = symbol + str(number).translate(_SUBSCRIPTS)
        return candidate

    def operand(self, fn: Any, call: _Call, slot: int, child: Any) -> int:
        """The node feeding `slot` of `fn`: another function, a parameter, or a data constant."""
        if child is not None:
            return self.ids[child]
        tensors = [a for a in call.args if isinstance(a, torch.Tensor)]
        tensor = tensors[slot] if slot < len(tensors) else None
        key = id(tensor)
        if key not in self.ids:
            attribute = self.data.get(key)
            label = attribute or f"c{len(self.ids)}"
            value = TensorValue.of(tensor) if tensor is not None else TensorValue((), float("nan"))
            line = self.source.outermost(call.lines)
            self.ids[key] = add_tensor_node(
                self.graph, "const", label, label, value, None,
                name=f"self.{attribute}" if attribute else None, line=line, code=self.source.code(line),
            )
        return self.ids[key]

    def add_parameter(self, fn: Any) -> None:
        name, label, line = self.parameters.get(id(fn.variable), (f"p{len(self.ids)}", "parameter", None))
        value = self.recording.parameters[fn]
        zero = TensorValue(value.shape, _zeros_like(value.data), value.truncated)
        self.ids[fn] = add_tensor_node(
            self.graph, "input", label, {"weight": "w", "bias": "b"}.get(label, label), value, zero,
            name=name, line=line, code=self.source.code(line),
        )
        self.inputs[name] = self.ids[fn]

    def notes(self, tg: TensorGraph) -> list[str]:
        """What the graph is, in plain sentences, with the lines that made it."""
        cls = type(self.variant).__name__
        loss_line = tg.node(tg.output)["line"]
        backward_line = self.source.innermost(self.recording.backward_lines)
        functions = [n for n in tg.nodes if tg.node(n)["kind"] == "op"]
        notes = [
            f"{cls}.step() computed the loss L on line {loss_line} "
            f"({self.source.code(loss_line)}); while it did, torch recorded {len(functions)} "
            f"backward functions: {', '.join(tg.node(n)['op'] for n in functions)}.",
            f"Line {backward_line} ({self.source.code(backward_line)}) ran them backwards from "
            f"L = {tg.node(tg.output)['value'].preview()}, starting with ∂L/∂L = 1.",
            "Each function passes back the upstream gradient times its local Jacobian (a "
            "vector-Jacobian product) without ever building the Jacobian itself. The parameters "
            "end in AccumulateGrad, which fills in .grad when loss.backward() runs "
            "(torch.autograd.grad returns the gradients instead).",
        ]
        notes += [f"∂L/∂{tg.node(n)['symbol']} ({name}) = {tg.node(n)['grad'].summary()}"
                  for name, n in tg.input_nodes.items()]
        return notes + backward_twice_notes(tg)


def _parameters(variant: Any, source: ClassSource) -> dict[int, tuple[str, str, int | None]]:
    """id(parameter) -> (qualified name, "weight" or "bias", the line of the class that makes it)."""
    if hasattr(variant, "model"):  # nn.Module variants: the (one) nn.Linear makes both
        line = source.call_line("nn.Linear")
        return {id(p): (f"self.model.{name}", name.rsplit(".", 1)[-1], line)
                for name, p in variant.model.named_parameters()}
    return {id(value): (f"self.{attribute}", PARAMETER_LABELS.get(attribute, attribute),
                        source.assignment_line(attribute))
            for attribute, value in vars(variant).items()
            if isinstance(value, torch.Tensor) and value.requires_grad}


def _zeros_like(data: Any) -> Any:
    return [_zeros_like(item) for item in data] if isinstance(data, list) else 0.0
