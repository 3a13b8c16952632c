from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
import torch
import torchinfo
from torch import nn
from torchsummary import summary as torchsummary_summary

import ptnotes.summary
from ptnotes import RunningMean, conv_bn_relu, summarize


def small_model(device: torch.device | str = "cpu") -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        conv_bn_relu(3, 8, device=device),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(8, 4, device=device),
    )


def test_counts_and_shapes(device: torch.device) -> None:
    model = small_model(device)
    stats = summarize(model, (2, 3, 16, 16))
    assert isinstance(stats, torchinfo.ModelStatistics)
    assert stats.total_params == sum(p.numel() for p in model.parameters())
    assert stats.trainable_params == stats.total_params
    assert stats.summary_list[-1].output_size == [2, 4]
    assert "Total params: 268" in str(stats)


def test_model_is_not_moved_and_mode_is_restored(device: torch.device) -> None:
    model = nn.Sequential(nn.Linear(3, 3, device=device), RunningMean(3, device=device))
    model.train()
    buffer = model[1].running_mean.clone()
    summarize(model, (4, 3))
    assert model.training
    assert model[1].training
    assert next(model.parameters()).device.type == device.type
    torch.testing.assert_close(model[1].running_mean, buffer)  # ran in eval mode, under no_grad


def test_cpu_model_while_cuda_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    """torchinfo alone would move a CPU model to CUDA here; summarize stays on the CPU.

    On a machine without CUDA, anything that tried CUDA would fail; on one with CUDA the
    spy shows that torchinfo was told to use the model's device.
    """
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.delenv("PTNOTES_DEVICE", raising=False)
    devices: list[Any] = []
    real_summary = ptnotes.summary.summary

    def spy(*args: Any, **kwargs: Any) -> torchinfo.ModelStatistics:
        devices.append(kwargs["device"])
        return real_summary(*args, **kwargs)

    monkeypatch.setattr(ptnotes.summary, "summary", spy)
    model = small_model("cpu")
    stats = summarize(model, (1, 3, 8, 8))
    assert devices == [torch.device("cpu")]
    assert next(model.parameters()).device == torch.device("cpu")
    assert stats.total_params == 268
    # torchinfo's own default would have picked CUDA for this CPU model:
    assert torchinfo.torchinfo.get_device(model, None) == torch.device("cuda")


def run_torchsummary(model: nn.Module, input_size: tuple[int, ...], **kwargs: Any) -> None:
    with warnings.catch_warnings():  # third-party code, which may use deprecated CUDA types
        warnings.simplefilter("ignore")
        torchsummary_summary(model, input_size=input_size, **kwargs)


def parse_torchsummary(text: str) -> dict[str, Any]:
    def count(label: str) -> int:
        match = re.search(rf"{label}: ([\d,]+)", text)
        assert match is not None, text
        return int(match.group(1).replace(",", ""))

    shapes = re.findall(r"^\s+\S+-\d+\s+(\[[^\]]*\])", text, flags=re.MULTILINE)
    return {
        "total": count("Total params"),
        "trainable": count("Trainable params"),
        "last_shape": [int(v) for v in shapes[-1].strip("[]").split(",")],
    }


def test_matches_the_notes_torchsummary(
    device: torch.device, capsys: pytest.CaptureFixture[str]
) -> None:
    """The note: `summary(model, input_size=(channels, height, width))`, device given."""
    model = small_model(device)
    run_torchsummary(model, (3, 16, 16), device=device.type)
    note = parse_torchsummary(capsys.readouterr().out)
    ours = summarize(model, (1, 3, 16, 16))
    assert (ours.total_params, ours.trainable_params) == (note["total"], note["trainable"])
    assert note["last_shape"] == [-1, *ours.summary_list[-1].output_size[1:]]


@pytest.mark.cuda
def test_torchsummarys_cuda_default_fails_for_a_cpu_model(cuda: torch.device) -> None:
    """The trap, where CUDA exists: torchsummary's default device is "cuda"."""
    model = small_model("cpu")
    with pytest.raises(RuntimeError):
        run_torchsummary(model, (3, 16, 16))
    assert summarize(model, (1, 3, 16, 16)).total_params == 268


def test_model_without_parameters_uses_pick_device(
    monkeypatch: pytest.MonkeyPatch, device: torch.device
) -> None:
    monkeypatch.setenv("PTNOTES_DEVICE", str(device))
    stats = summarize(nn.Sequential(nn.ReLU(), nn.Flatten()), (2, 3, 4))
    assert stats.total_params == 0
    assert stats.summary_list[-1].output_size == [2, 12]


def test_explicit_device_equal_to_the_models(device: torch.device) -> None:
    assert summarize(small_model(device), (1, 3, 8, 8), device=device).total_params == 268


def test_several_inputs() -> None:
    class Add(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(4, 2)

        def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            return self.linear(a + b)

    stats = summarize(Add(), [(3, 4), (3, 4)])
    assert stats.total_params == 10


@pytest.mark.parametrize("input_size", ["1x3x8x8", (), (1, 0, 8), (1, 3.0, 8), [(1, 3), "x"], None])
def test_bad_input_size(input_size: Any) -> None:
    with pytest.raises(
        ValueError, match=r"Expected input_size to be a shape with the batch dimension"
    ):
        summarize(small_model(), input_size)


def test_forward_failure_is_a_value_error() -> None:
    with pytest.raises(
        ValueError, match=r"Expected input_size that the model accepts, got \(1, 5, 8, 8\)"
    ):
        summarize(small_model(), (1, 5, 8, 8))


def test_device_other_than_the_models() -> None:
    model = nn.Linear(2, 2, device="meta")
    with pytest.raises(
        ValueError, match=r"Expected device to be the one the model is on \(meta\), got cpu"
    ):
        summarize(model, (1, 2), device="cpu")


def test_other_errors() -> None:
    with pytest.raises(TypeError, match=r"Expected model to be a torch.nn.Module, got function"):
        summarize(lambda x: x, (1, 2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"got unknown device 'tpu'"):
        summarize(small_model(), (1, 3, 8, 8), device="tpu")
