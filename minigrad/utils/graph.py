"""Draw a tensor's autograd graph (micrograd's and torchviz's favourite teaching picture).

``to_dot(loss, params=dict(model.named_parameters()))`` gives Graphviz DOT text: one box per op
node (its torch name, e.g. ``AddmmBackward0``), one ellipse per leaf (named from ``params`` when
given, with its shape), edges in the direction the forward pass ran. ``draw(...)`` renders it to
SVG/PNG when the Graphviz ``dot`` program is installed.
"""
import shutil
import subprocess

from ..autograd.function import Function


def _leaf_label(tensor, names):
    name = names.get(id(tensor), "")
    shape = "(" + ", ".join(map(str, tensor.shape)) + ")"
    return f"{name}\\n{shape}" if name else shape


def to_dot(tensor, params=None):
    """DOT text of the graph that produced ``tensor`` (walked iteratively from its grad_fn)."""
    names = {id(t): n for n, t in (params or {}).items()}
    lines = ["digraph autograd {", '  node [fontname="Helvetica", fontsize=10];', "  rankdir=BT;"]
    root = tensor.grad_fn if tensor.grad_fn is not None else tensor
    out_shape = "(" + ", ".join(map(str, tensor.shape)) + ")"
    lines.append(f'  out [label="output\\n{out_shape}", shape=box, style=filled, fillcolor="#d9ead3"];')
    lines.append(f"  n{id(root)} -> out;")
    seen, stack = {id(root)}, [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, Function):
            lines.append(f'  n{id(node)} [label="{_leaf_label(node, names)}", shape=ellipse, style=filled, '
                         f'fillcolor="#cfe2f3"];')
            continue
        lines.append(f'  n{id(node)} [label="{node.name()}", shape=box];')
        for edge in node._edges:
            if edge is None:
                continue
            lines.append(f"  n{id(edge)} -> n{id(node)};")
            if id(edge) not in seen:
                seen.add(id(edge))
                stack.append(edge)
    lines.append("}")
    return "\n".join(lines)


def draw(tensor, path, params=None, format="svg"):  # noqa: A002 - Graphviz's term
    """Render the graph to ``path`` with Graphviz's ``dot``; RuntimeError when it is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("Graphviz's 'dot' program is not installed (e.g. apt install graphviz); "
                           "to_dot() gives the DOT text without it")
    subprocess.run([dot, f"-T{format}", "-o", str(path)], input=to_dot(tensor, params), text=True, check=True)
    return path
