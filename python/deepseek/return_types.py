"""Named tuples returned by max/min(dim=...), as in torch.return_types."""
from collections import namedtuple

max = namedtuple("max", ["values", "indices"])
min = namedtuple("min", ["values", "indices"])
