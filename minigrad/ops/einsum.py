"""``einsum``: Einstein summation, composed from differentiable ops the way torch's at::einsum is.

Each operand first loses its repeated labels (``diagonal``: 'ii' -> the diagonal). One operand is
permuted to the output's order and summed over the rest. Otherwise each operand is summed over the
labels no other operand or the output needs, and operands are contracted left to right, two at a
time: a broadcast product when they share no label to sum over, else one batched matrix product
(labels both keep are batch dims, labels only one has are its rows or columns, shared labels that
nothing later needs are summed by the product). Finally the result is permuted to the output's
label order. These are torch's steps, so the result's node is the one torch shows. The gradient is the composition's, so it is
differentiable to any order.
"""
import math

from ..tensor import Tensor
from .shape import permute


def _parse(equation, operands):
    """Each operand's labels (a list of characters, '...' expanded to private labels) and the
    output's (without '->': the labels used once, sorted, after the ellipsis dims)."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(terms) < len(operands) else
                           "einsum(): fewer operands were provided than specified in the equation")
    ellipsis_dims = 0
    labels = []
    for term, op in zip(terms, operands):
        if "..." in term:
            n = op.ndim - (len(term) - 3)
            ellipsis_dims = max(ellipsis_dims, n)
            labels.append(term.replace("...", "\0" * n))
        else:
            if len(term) != op.ndim:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(term)}) does not "
                                   f"match the number of dimensions ({op.ndim}) for operand "
                                   f"{terms.index(term)} and no ellipsis was given")
            labels.append(term)
    ell = [chr(0x2460 + i) for i in range(ellipsis_dims)]  # private labels, one per ellipsis dim
    out_labels = []  # the ellipsis stands where it was written, right-aligned to the longest one
    for term in labels:
        i = term.find("\0")
        n = term.count("\0")
        out_labels.append(list(term[:i]) + ell[ellipsis_dims - n:] + list(term[i + n:]) if n else list(term))
    if arrow:
        output = list(rhs.replace("...", "\0"))
        if "\0" in output:
            i = output.index("\0")
            output = output[:i] + ell + output[i + 1:]
    else:
        counts = {}
        for term in out_labels:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        output = ell + sorted(c for c, n in counts.items() if n == 1 and c not in ell)
    return out_labels, output


def _prepare(op, labels, keep):
    """Take the diagonal of repeated labels and sum labels not in ``keep``: (tensor, labels)."""
    labels = list(labels)
    for c in list(dict.fromkeys(labels)):
        while labels.count(c) > 1:
            i = labels.index(c)
            j = labels.index(c, i + 1)
            op = op.diagonal(0, i, j)  # the shared dim moves to the end
            labels = [x for k, x in enumerate(labels) if k not in (i, j)] + [c]
    dropped = [k for k, c in enumerate(labels) if c not in keep]
    if dropped:
        op = op.sum(dropped)
        labels = [c for c in labels if c in keep]
    return op, labels


def _align(t, labels, target):
    """``t`` with its dims in ``target``'s label order and size-1 dims for the labels it lacks."""
    present = [c for c in target if c in labels]
    order = [labels.index(c) for c in present]
    if order != list(range(len(order))):
        t = permute(t, *order)
    for i, c in enumerate(target):
        if c not in labels:
            t = t.unsqueeze(i)
    return t


def _contract(a, la, b, lb, keep):
    """a times b, summed over the shared labels nothing later needs: a broadcast product when there
    are none, else one batched matrix product (batch, a-only, shared) @ (batch, shared, b-only)."""
    summed = [c for c in la if c in lb and c not in keep]
    if not summed:
        target = la + [c for c in lb if c not in la]
        return _align(a, la, target) * _align(b, lb, target), target
    batch = [c for c in la if c in lb and c in keep]
    rows = [c for c in la if c not in lb]
    cols = [c for c in lb if c not in la]
    size = {**dict(zip(la, a.shape)), **dict(zip(lb, b.shape))}
    n = lambda cs: math.prod(size[c] for c in cs)  # noqa: E731
    a = permute(a, *[la.index(c) for c in batch + rows + summed]).reshape(n(batch), n(rows), n(summed))
    b = permute(b, *[lb.index(c) for c in batch + summed + cols]).reshape(n(batch), n(summed), n(cols))
    out = (a @ b).reshape([size[c] for c in batch + rows + cols])
    return out, batch + rows + cols


def einsum(equation, *operands):
    """Sum of products of ``operands``' elements over the labels not in the output, e.g.
    ``einsum('ij,jk->ik', a, b)`` is ``a @ b``, ``einsum('ii', a)`` the trace, ``'bij->bji'`` a
    transpose; '...' stands for leading dims. A label's dims must have one size in every operand."""
    if len(operands) == 1 and not isinstance(operands[0], Tensor):
        operands = tuple(operands[0])
    labels, output = _parse(equation, operands)
    if len(operands) == 1:  # as torch: permute to the output's order (summed labels last), then sum
        op, la = _prepare(operands[0], labels[0], set(labels[0]))
        summed = [c for c in la if c not in output]
        op = permute(op, *[la.index(c) for c in output + summed])
        return op.sum(list(range(len(output), len(la)))) if summed else op
    tensors = []
    for k, (op, la) in enumerate(zip(operands, labels)):
        later = set(output).union(*[set(x) for j, x in enumerate(labels) if j != k])
        tensors.append(_prepare(op, la, later))
    result, lr = tensors[0]
    for k in range(1, len(tensors)):
        op, lo = tensors[k]
        keep = set(output).union(*[set(x) for x in labels[k + 1:]])
        result, lr = _contract(result, lr, op, lo, keep)
    order = [lr.index(c) for c in output]
    return result if order == list(range(len(order))) else permute(result, *order)
