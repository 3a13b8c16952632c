from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

from ptnotes import conv_bn_relu


def note_builder(
    in_channels: int, out_channels: int, batch_norm: bool, relu: bool
) -> nn.Sequential:
    """The note's recipe: a list of layers, optional components appended, nn.Sequential(*layers)."""
    layers: list[nn.Module] = [
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=not batch_norm)
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    if relu:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


@pytest.mark.parametrize("batch_norm", [True, False])
@pytest.mark.parametrize("relu", [True, False])
def test_matches_the_notes_builder(device: torch.device, batch_norm: bool, relu: bool) -> None:
    torch.manual_seed(0)
    note = note_builder(3, 8, batch_norm, relu).to(device)
    torch.manual_seed(0)
    ours = conv_bn_relu(3, 8, batch_norm=batch_norm, relu=relu, device=device)
    assert [type(m) for m in ours] == [type(m) for m in note]
    x = torch.randn(2, 3, 10, 10, generator=torch.Generator().manual_seed(1)).to(device)
    for mode in (True, False):  # training (batch statistics), then eval (running statistics)
        note.train(mode)
        ours.train(mode)
        torch.testing.assert_close(ours(x), note(x))
    torch.testing.assert_close(list(ours.state_dict().values()), list(note.state_dict().values()))


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        ({}, ["conv", "bn", "relu"]),
        ({"batch_norm": False}, ["conv", "relu"]),
        ({"relu": False}, ["conv", "bn"]),
        ({"batch_norm": False, "relu": False}, ["conv"]),
    ],
)
def test_optional_components(flags: dict[str, bool], names: list[str]) -> None:
    block = conv_bn_relu(4, 6, device="cpu", **flags)
    assert [name for name, _ in block.named_children()] == names
    assert isinstance(block.conv, nn.Conv2d)


def test_parameters_on_the_device(device: torch.device) -> None:
    block = conv_bn_relu(3, 5, device=device, dtype=torch.float64)
    for tensor in (*block.parameters(), *block.buffers()):
        assert tensor.device.type == device.type
    assert block.conv.weight.dtype == torch.float64
    y = block(torch.randn(2, 3, 7, 9, device=device, dtype=torch.float64))
    assert y.shape == (2, 5, 7, 9)
    assert bool((y >= 0).all())


def test_device_follows_pick_device(monkeypatch: pytest.MonkeyPatch, device: torch.device) -> None:
    monkeypatch.setenv("PTNOTES_DEVICE", str(device))
    assert conv_bn_relu(1, 1).conv.weight.device.type == device.type


def test_bias_only_without_batch_norm() -> None:
    assert conv_bn_relu(1, 2, device="cpu").conv.bias is None
    assert conv_bn_relu(1, 2, batch_norm=False, device="cpu").conv.bias is not None
    assert conv_bn_relu(1, 2, bias=True, device="cpu").conv.bias is not None


@pytest.mark.parametrize(
    ("kwargs", "size"),
    [
        ({"kernel_size": 1}, (9, 12)),
        ({"kernel_size": 5}, (9, 12)),
        ({"kernel_size": (3, 5)}, (9, 12)),
        ({"stride": 2}, (5, 6)),
        ({"kernel_size": 3, "padding": 0}, (7, 10)),
    ],
)
def test_output_size(kwargs: dict[str, Any], size: tuple[int, int]) -> None:
    block = conv_bn_relu(2, 3, device="cpu", **kwargs)
    assert block(torch.randn(1, 2, 9, 12)).shape[-2:] == size


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"in_channels": 0}, ValueError, r"Expected in_channels > 0, got 0"),
        ({"out_channels": -2}, ValueError, r"Expected out_channels > 0, got -2"),
        ({"in_channels": 3.0}, TypeError, r"Expected in_channels to be an int, got float"),
        ({"kernel_size": 0}, ValueError, r"Expected kernel_size > 0, got \(0, 0\)"),
        ({"kernel_size": (3,)}, TypeError, r"Expected kernel_size to be an int or a pair of ints"),
        ({"stride": 0}, ValueError, r"Expected stride > 0, got \(0, 0\)"),
        ({"padding": -1}, ValueError, r"Expected padding >= 0, got \(-1, -1\)"),
        ({"batch_norm": 1}, TypeError, r"Expected batch_norm to be a bool, got int"),
        ({"relu": None}, TypeError, r"Expected relu to be a bool, got NoneType"),
        ({"bias": "yes"}, TypeError, r"Expected bias to be a bool or None, got str"),
        ({"device": "tpu"}, ValueError, r"got unknown device 'tpu'"),
    ],
)
def test_errors(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"in_channels": 3, "out_channels": 4, "device": "cpu", **kwargs}
    with pytest.raises(error, match=message):
        conv_bn_relu(**arguments)
