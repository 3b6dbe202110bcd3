"""Random state and sampling: deepseek.Generator (the C++ Philox generator), the default
generator's state as a tensor (get_rng_state/set_rng_state, deepseek.random, deepseek.cuda),
generator= on every random op, and multinomial/bernoulli/normal/exponential_/random_.

Streams differ from PyTorch's by design (Philox counters instead of Mersenne Twister), so
these tests check reproducibility, independence and distributions, not torch's numbers.
"""
import numpy as np
import pytest

import deepseek as ds


def values(t):
    return t.detach().to(ds.float64).numpy()


# ---- Generator ---------------------------------------------------------------------------


def test_generator_api():
    g = ds.Generator()
    assert isinstance(g, ds.Generator) and g.device == ds.device("cpu")
    assert g.initial_seed() == 67280421310721  # PyTorch's default seed
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    assert ds.Generator(device="cuda").device == ds.device("cuda")
    new_seed = g.seed()
    assert isinstance(new_seed, int) and g.initial_seed() == new_seed
    assert ds.Generator().manual_seed(-1).initial_seed() == 2**64 - 1  # negative seeds wrap
    with pytest.raises(RuntimeError, match="Overflow"):
        ds.Generator().manual_seed(2**64)


def test_generator_state_round_trip():
    g = ds.Generator().manual_seed(11)
    ds.rand(3, generator=g)
    state = g.get_state()
    assert state.dtype == ds.uint8 and state.shape == (16,)
    expected = ds.randn(5, generator=g)
    ds.randn(7, generator=g)
    assert g.set_state(state) is g
    assert ds.equal(ds.randn(5, generator=g), expected)
    # The state carries the seed too: a generator reseeded elsewhere replays it exactly.
    other = ds.Generator().manual_seed(99)
    other.set_state(state)
    assert other.initial_seed() == 11 and ds.equal(ds.randn(5, generator=other), expected)


def test_generator_state_is_validated():
    g = ds.Generator()
    with pytest.raises(RuntimeError, match="expected a state of 16 bytes"):
        g.set_state(ds.zeros(3, dtype=ds.uint8))
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(ds.zeros(16))
    with pytest.raises(TypeError):
        ds.randn(2, generator="not a generator")


def test_default_generator_and_module_functions():
    assert ds.manual_seed(3) is ds.default_generator
    assert ds.initial_seed() == 3 == ds.default_generator.initial_seed()
    state = ds.get_rng_state()
    a = ds.rand(4)
    ds.set_rng_state(state)
    assert ds.equal(ds.rand(4), a)
    seed = ds.seed()
    assert ds.initial_seed() == seed


def test_random_module_and_fork_rng():
    ds.random.manual_seed(21)
    before = ds.random.get_rng_state()
    with ds.random.fork_rng():
        ds.randn(100)
    assert ds.equal(ds.random.get_rng_state(), before)
    a = ds.randn(3)
    ds.random.set_rng_state(before)
    assert ds.equal(ds.randn(3), a)
    with ds.random.fork_rng(enabled=False):
        ds.randn(1)
    assert not ds.equal(ds.random.get_rng_state(), before)
    assert ds.random.initial_seed() == 21


def test_cuda_rng_functions_share_the_one_generator():
    ds.cuda.manual_seed_all(8)
    assert ds.initial_seed() == 8 and ds.cuda.initial_seed() == 8
    state = ds.cuda.get_rng_state()
    assert ds.equal(state, ds.get_rng_state())
    a = ds.rand(3)
    ds.cuda.set_rng_state(state)
    assert ds.equal(ds.rand(3), a)
    ds.cuda.set_rng_state_all(ds.cuda.get_rng_state_all())


# ---- generator= on every random op -------------------------------------------------------

DRAWS = {
    "rand": lambda g: ds.rand(6, generator=g),
    "randn": lambda g: ds.randn(2, 3, generator=g),
    "randint": lambda g: ds.randint(0, 1000, (6,), generator=g),
    "randperm": lambda g: ds.randperm(10, generator=g),
    "normal_": lambda g: ds.empty(6).normal_(1.0, 2.0, generator=g),
    "uniform_": lambda g: ds.empty(6).uniform_(-1, 1, generator=g),
    "bernoulli_": lambda g: ds.empty(50).bernoulli_(0.5, generator=g),
    "bernoulli_tensor_p": lambda g: ds.bernoulli(ds.full((50,), 0.5), generator=g),
    "multinomial": lambda g: ds.multinomial(ds.ones(20), 10, generator=g),
    "normal": lambda g: ds.normal(ds.zeros(6), ds.ones(6), generator=g),
    "normal_size": lambda g: ds.normal(0.0, 1.0, (6,), generator=g),
    "exponential_": lambda g: ds.empty(6).exponential_(2.0, generator=g),
    "random_": lambda g: ds.empty(6, dtype=ds.int64).random_(0, 1000, generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_random_ops_follow_their_generator(name):
    draw = DRAWS[name]
    a = draw(ds.Generator().manual_seed(7))
    ds.manual_seed(123)
    ds.rand(5)  # the global stream must not matter
    b = draw(ds.Generator().manual_seed(7))
    assert ds.equal(a, b)
    # ... and the generator's stream advances: a second draw differs.
    g = ds.Generator().manual_seed(7)
    draw(g)
    assert not ds.equal(draw(g), a)
    # Without a generator the global one is used and advanced.
    ds.manual_seed(7)
    c = draw(None)
    ds.manual_seed(7)
    assert ds.equal(draw(None), c)


# ---- distributions ----------------------------------------------------------------------


def test_multinomial_with_replacement_matches_probabilities():
    probs = np.array([0.1, 0.0, 0.6, 0.3])
    g = ds.Generator().manual_seed(0)
    s = ds.multinomial(ds.tensor(probs * 5), 40000, replacement=True, generator=g)
    assert s.dtype == ds.int64 and s.shape == (40000,)
    freq = np.bincount(s.numpy(), minlength=4) / 40000
    assert freq[1] == 0  # zero-probability categories are never drawn
    np.testing.assert_allclose(freq, probs, atol=0.01)


def test_multinomial_without_replacement():
    g = ds.Generator().manual_seed(1)
    s = ds.multinomial(ds.tensor([[1.0, 2.0, 0.0, 4.0], [0.0, 1.0, 1.0, 0.0]]), 2, generator=g)
    assert s.shape == (2, 2)
    for row, allowed in zip(s.tolist(), ({0, 1, 3}, {1, 2})):
        assert len(set(row)) == 2 and set(row) <= allowed
    # The first draw follows the probabilities: category 3 (p = 4/7) first most often.
    firsts = ds.multinomial(ds.tensor([1.0, 2.0, 0.0, 4.0]).expand(20000, 4).contiguous(), 2,
                            generator=g)[:, 0].numpy()
    np.testing.assert_allclose(np.bincount(firsts, minlength=4) / 20000,
                               [1 / 7, 2 / 7, 0, 4 / 7], atol=0.01)
    perm = ds.multinomial(ds.ones(6), 6, generator=g)
    assert sorted(perm.tolist()) == list(range(6))


def test_multinomial_errors():
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist"):
        ds.multinomial(ds.ones(3), 4)
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        ds.multinomial(ds.tensor([1.0, 0.0, 1.0]), 3)
    with pytest.raises(RuntimeError, match="`inf`, `nan` or element < 0"):
        ds.multinomial(ds.tensor([1.0, -0.5]), 1)
    with pytest.raises(RuntimeError, match="`inf`, `nan` or element < 0"):
        ds.multinomial(ds.tensor([1.0, float("nan")]), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        ds.multinomial(ds.zeros(2, 3), 1, replacement=True)
    with pytest.raises(RuntimeError, match="1 or 2 dim"):
        ds.multinomial(ds.ones(2, 2, 2), 1)
    with pytest.raises(RuntimeError, match="floating"):
        ds.multinomial(ds.ones(3, dtype=ds.int64), 1)
    with pytest.raises(RuntimeError, match="n_sample <= 0"):
        ds.multinomial(ds.ones(3), 0)


def test_bernoulli_with_tensor_probabilities():
    p = ds.tensor([0.0, 1.0, 0.25, 0.75], dtype=ds.float64).expand(20000, 4).contiguous()
    draws = ds.bernoulli(p, generator=ds.Generator().manual_seed(2))
    assert draws.dtype == ds.float64 and draws.shape == (20000, 4)
    np.testing.assert_allclose(values(draws).mean(0), [0, 1, 0.25, 0.75], atol=0.01)
    assert ds.tensor([0.5]).bernoulli().dtype == ds.float32
    x = ds.empty(4, 3)
    x.bernoulli_(ds.tensor([0.0, 1.0, 0.0]))  # p broadcast to self
    assert x.tolist() == [[0.0, 1.0, 0.0]] * 4
    with pytest.raises(RuntimeError, match="p_in >= 0 && p_in <= 1"):
        ds.bernoulli(ds.tensor([1.5]))
    with pytest.raises(RuntimeError, match="p to be in \\[0, 1\\]"):
        ds.empty(2).bernoulli_(-0.1)


def test_normal_forms_and_gradient():
    g = ds.Generator().manual_seed(4)
    big = ds.normal(2.0, 3.0, (50000,), generator=g)
    assert big.dtype == ds.float32
    assert abs(float(big.mean()) - 2.0) < 0.05 and abs(float(big.std()) - 3.0) < 0.05
    mean = ds.tensor([0.0, 10.0, -10.0], dtype=ds.float64, requires_grad=True)
    std = ds.tensor([1.0, 0.5, 2.0], dtype=ds.float64, requires_grad=True)
    out = ds.normal(mean, std, generator=ds.Generator().manual_seed(5))
    assert out.dtype == ds.float64 and out.shape == (3,)
    out.sum().backward()
    # d out / d mean = 1, d out / d std = the standard normal draw (out - mean) / std.
    np.testing.assert_allclose(values(mean.grad), [1, 1, 1])
    np.testing.assert_allclose(values(std.grad), values((out - mean) / std), rtol=1e-12)
    assert ds.normal(ds.zeros(2, 3), 1.0).shape == (2, 3)
    assert ds.normal(1.0, ds.ones(4)).shape == (4,)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        ds.normal(ds.zeros(2), ds.tensor([1.0, -1.0]))
    with pytest.raises(TypeError, match="size is required"):
        ds.normal(0.0, 1.0)


def test_exponential_and_random_fills():
    g = ds.Generator().manual_seed(6)
    e = ds.empty(50000, dtype=ds.float64).exponential_(4.0, generator=g)
    assert float(e.min()) >= 0 and abs(float(e.mean()) - 0.25) < 0.01
    r = ds.empty(30000, dtype=ds.int64).random_(3, 7, generator=g)
    assert set(r.unique().tolist()) == {3, 4, 5, 6}
    u8 = ds.empty(5000, dtype=ds.uint8).random_(generator=g)
    assert 0 <= int(u8.min()) and int(u8.max()) <= 255 and int(u8.max()) > 200
    f = ds.empty(1000).random_(10)
    assert f.dtype == ds.float32 and set(f.unique().tolist()) <= set(float(i) for i in range(10))
    with pytest.raises(RuntimeError, match="lambda > 0.0"):
        ds.empty(2).exponential_(0.0)
    with pytest.raises(RuntimeError, match="'from' to be less than 'to'"):
        ds.empty(2).random_(5, 5)


def test_dropout_masks_replay_from_rng_state():
    ds.manual_seed(0)
    state = ds.get_rng_state()
    first = ds.nn.functional.dropout(ds.ones(200), 0.5, True)
    ds.set_rng_state(state)
    assert ds.equal(ds.nn.functional.dropout(ds.ones(200), 0.5, True), first)
