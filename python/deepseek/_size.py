"""deepseek.Size: the type of Tensor.shape, a tuple of ints (like torch.Size)."""


class Size(tuple):
    def __repr__(self):
        return f"deepseek.Size([{', '.join(str(s) for s in self)}])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        out = super().__getitem__(key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))
