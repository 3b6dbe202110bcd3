"""F.affine_grid and F.grid_sample (the spatial-transformer pair) against PyTorch 1.13 in
float64: grids for both align_corners, sampling values and gradients with respect to the
input and the grid, bilinear and nearest, zeros and border padding."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn.functional as F

RNG = np.random.default_rng(14)
THETA = np.array([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.2]], [[1.2, 0.1, 0.3], [-0.1, 0.8, 0.05]]])
IMAGE = RNG.standard_normal((2, 3, 5, 6))


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode,padding_mode", [("bilinear", "zeros"), ("bilinear", "border"),
                                               ("nearest", "zeros"), ("nearest", "border")])
def test_matches_torch(align_corners, mode, padding_mode):
    results = []
    for lib in (ds, torch):
        theta = lib.tensor(THETA, requires_grad=True)
        image = lib.tensor(IMAGE, requires_grad=True)
        grid = lib.nn.functional.affine_grid(theta, [2, 3, 4, 7], align_corners=align_corners)
        out = lib.nn.functional.grid_sample(image, grid, mode, padding_mode, align_corners)
        (out ** 2).sum().backward()
        # (nearest sampling gives the grid no gradient: torch reports zeros, deepseek None)
        theta_grad = np.zeros(THETA.shape) if theta.grad is None else theta.grad.numpy()
        results.append((grid.detach().numpy(), out.detach().numpy(), image.grad.numpy(),
                        theta_grad))
    for name, a, b in zip(("grid", "output", "input grad", "theta grad"), *results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=name)


def test_identity_transform_reproduces_the_image():
    identity = ds.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]).double()
    image = ds.tensor(IMAGE[:1])
    grid = F.affine_grid(identity, [1, 3, 5, 6], align_corners=False)
    np.testing.assert_allclose(F.grid_sample(image, grid, align_corners=False).numpy(),
                               IMAGE[:1], rtol=1e-12)


def test_errors():
    with pytest.raises(ValueError, match="Nx2x3"):
        F.affine_grid(ds.ones(1, 3, 3), [1, 1, 2, 2])
    with pytest.raises(NotImplementedError, match="reflection"):
        F.grid_sample(ds.ones(1, 1, 2, 2), ds.zeros(1, 2, 2, 2), padding_mode="reflection")
    with pytest.raises(RuntimeError, match="same batch size"):
        F.grid_sample(ds.ones(2, 1, 2, 2), ds.zeros(1, 2, 2, 2))
