"""The optimizers' argument checks, with torch's messages (``torch/optim/*.py`` writes them out in
each optimizer; here they are written once).

``check_non_negative(lr=..., eps=..., momentum=...)`` raises ``ValueError`` for the first argument,
in the order given (each optimizer keeps torch's order), that is negative or NaN:
``Invalid learning rate: -1``, ``Invalid epsilon value: ...``, ``Invalid <name> value: ...``.
``check_betas(betas)``: ``Invalid beta parameter at index i: b`` unless 0 <= b < 1.
"""

_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


def check_non_negative(**values):
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_LABELS.get(name, name + ' value')}: {value}")


def check_betas(betas):
    for index, beta in enumerate(betas[:2]):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
