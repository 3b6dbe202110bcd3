"""Where utils.data gets its randomness: a deepseek.Generator, or one seeded globally."""
from deepseek._generator import Generator, generator_from_global_seed


def resolve_generator(generator):
    """The Generator to draw from: the one given (its stream advances), or a fresh one seeded
    from deepseek's global RNG (so deepseek.manual_seed makes unseeded shuffles reproducible)."""
    if generator is None:
        return generator_from_global_seed()
    if not isinstance(generator, Generator):
        raise TypeError("utils.data expects generator to be a deepseek.Generator, got "
                        f"{type(generator).__name__}")
    return generator
