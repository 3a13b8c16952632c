from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

from ptnotes import LearnableScale, RunningMean


class MyModule(torch.nn.Module):
    """The note's module, verbatim but for formatting."""

    def __init__(self) -> None:
        super().__init__()
        self.my_param = torch.nn.Parameter(torch.Tensor([1, 2, 3]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.my_param


class NoteRunningMean(nn.Module):
    """The note's `register_buffer("running_mean", ...)` and `if self.training:`."""

    def __init__(self, num_features: int, momentum: float) -> None:
        super().__init__()
        self.momentum = momentum
        self.register_buffer("running_mean", torch.zeros(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            mean = x.mean(0)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            return x - mean
        return x - self.running_mean


# LearnableScale


def test_learnable_scale_matches_the_notes_module(device: torch.device) -> None:
    note = MyModule().to(device)
    ours = LearnableScale([1.0, 2.0, 3.0], device=device)
    x = torch.Tensor([1, 2, 3]).to(device)
    torch.testing.assert_close(ours(x), note(x))
    note(x).pow(2).sum().backward()
    ours(x).pow(2).sum().backward()
    torch.testing.assert_close(ours.scale.grad, note.my_param.grad)
    assert ours.scale.requires_grad
    assert note.my_param.requires_grad


def test_learnable_scale_is_a_registered_parameter(device: torch.device) -> None:
    m = LearnableScale(torch.ones(4), device=device, dtype=torch.float64)
    assert [name for name, _ in m.named_parameters()] == ["scale"]
    assert list(m.state_dict()) == ["scale"]
    assert m.scale.dtype == torch.float64
    assert m.scale.device.type == device.type
    optimizer = torch.optim.SGD(m.parameters(), lr=0.5)
    x = torch.full((2, 4), 2.0, device=device, dtype=torch.float64)
    m(x).sum().backward()
    optimizer.step()
    torch.testing.assert_close(m.scale.detach(), torch.full_like(m.scale, 1.0 - 0.5 * 4.0))


def test_learnable_scale_copies_its_initial_tensor() -> None:
    initial = torch.ones(2)
    m = LearnableScale(initial, device="cpu")
    with torch.no_grad():
        m.scale.mul_(3)
    assert initial.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("initial", "error", "message"),
    [
        ([], ValueError, r"Expected initial of shape \(F,\) with F >= 1, got \(0,\)"),
        ([[1.0, 2.0]], ValueError, r"Expected initial of shape \(F,\) with F >= 1, got \(1, 2\)"),
        (2.0, ValueError, r"got \(\)"),
        ("abc", TypeError, r"Expected initial to be a sequence of numbers or a tensor, got 'abc'"),
        ([[1.0], [1.0, 2.0]], TypeError, r"Expected initial to be a sequence of numbers"),
    ],
)
def test_learnable_scale_errors(initial: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        LearnableScale(initial, device="cpu")


# RunningMean


def test_running_mean_matches_the_note(device: torch.device) -> None:
    generator = torch.Generator().manual_seed(0)
    batches = [torch.randn(8, 3, generator=generator).to(device) for _ in range(4)]
    note = NoteRunningMean(3, momentum=0.3).to(device)
    ours = RunningMean(3, momentum=0.3, device=device)
    for batch in batches:
        torch.testing.assert_close(ours(batch), note(batch))
    torch.testing.assert_close(ours.running_mean, note.running_mean)
    note.eval()
    ours.eval()
    torch.testing.assert_close(ours(batches[0]), note(batches[0]))


def test_running_mean_matches_batch_norm(device: torch.device) -> None:
    """The same running average that batch norm keeps, also over extra dimensions."""
    generator = torch.Generator().manual_seed(1)
    ours = RunningMean(4, device=device)
    batch_norm = nn.BatchNorm2d(4, affine=False, device=device)
    for _ in range(3):
        x = torch.randn(5, 4, 6, 6, generator=generator).to(device)
        ours(x)
        batch_norm(x)
    torch.testing.assert_close(ours.running_mean, batch_norm.running_mean)


def test_training_updates_eval_does_not(device: torch.device) -> None:
    layer = RunningMean(2, momentum=0.5, device=device)
    x = torch.tensor([[1.0, 10.0], [3.0, 30.0]], device=device)
    torch.testing.assert_close(layer(x), x - x.mean(0))
    torch.testing.assert_close(layer.running_mean, torch.tensor([1.0, 10.0], device=device))
    layer.eval()
    for _ in range(3):
        torch.testing.assert_close(layer(x), x - torch.tensor([1.0, 10.0], device=device))
    torch.testing.assert_close(layer.running_mean, torch.tensor([1.0, 10.0], device=device))


def test_buffer_is_not_a_parameter_but_is_saved(device: torch.device) -> None:
    layer = RunningMean(3, device=device)
    assert list(layer.parameters()) == []
    assert [name for name, _ in layer.named_buffers()] == ["running_mean"]
    x = torch.randn(4, 3, device=device, requires_grad=True)
    layer(x).pow(2).sum().backward()
    assert x.grad is not None
    assert not layer.running_mean.requires_grad
    assert layer.running_mean.grad is None

    state = layer.state_dict()
    assert list(state) == ["running_mean"]
    restored = RunningMean(3, device=device)
    restored.load_state_dict(state)
    torch.testing.assert_close(restored.running_mean, layer.running_mean)


def test_to_moves_the_buffer(device: torch.device) -> None:
    layer = RunningMean(3, device="cpu")
    layer(torch.ones(2, 3))
    moved = layer.to(device)
    assert moved.running_mean.device.type == device.type
    torch.testing.assert_close(moved.running_mean.cpu(), torch.full((3,), 0.1))
    assert layer.to(torch.float64).running_mean.dtype == torch.float64


def test_repr() -> None:
    assert repr(RunningMean(3, momentum=0.2, device="cpu")) == "RunningMean(3, momentum=0.2)"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"num_features": 0}, ValueError, r"Expected num_features >= 1, got 0"),
        ({"num_features": 2.0}, TypeError, r"Expected num_features to be an int, got float"),
        ({"momentum": 0.0}, ValueError, r"Expected momentum in \(0, 1\], got 0.0"),
        ({"momentum": 1.5}, ValueError, r"Expected momentum in \(0, 1\], got 1.5"),
        ({"momentum": "0.1"}, TypeError, r"Expected momentum to be a float, got str"),
        ({"device": "tpu"}, ValueError, r"got unknown device 'tpu'"),
    ],
)
def test_running_mean_construction_errors(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {"num_features": 3, "device": "cpu", **kwargs}
    with pytest.raises(error, match=message):
        RunningMean(**arguments)


def test_running_mean_forward_errors() -> None:
    layer = RunningMean(3, device="cpu")
    with pytest.raises(ValueError, match=r"Expected input of shape \(N, 3, \*\), got \(4, 2\)"):
        layer(torch.ones(4, 2))
    with pytest.raises(ValueError, match=r"Expected input of shape \(N, 3, \*\), got \(3,\)"):
        layer(torch.ones(3))
    with pytest.raises(
        ValueError, match=r"Expected a non-empty batch in training mode, got \(0, 3\)"
    ):
        layer(torch.ones(0, 3))
    with pytest.raises(
        ValueError, match=r"Expected input on the device of the module \(cpu\), got meta"
    ):
        layer(torch.ones(2, 3, device="meta"))
