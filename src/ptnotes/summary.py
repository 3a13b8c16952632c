"""Model summaries with torchinfo, from [Misc][misc]."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torchinfo import ModelStatistics, summary

from ptnotes.device import pick_device

__all__ = ["summarize"]


def _model_device(model: nn.Module) -> torch.device | None:
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return None


def _same_device(a: torch.device, b: torch.device) -> bool:
    return a.type == b.type and (a.index or 0) == (b.index or 0)


def _check_input_size(input_size: Sequence[int] | Sequence[Sequence[int]]) -> None:
    shapes = (
        input_size
        if isinstance(input_size, (list, tuple))
        and input_size
        and all(isinstance(s, (list, tuple)) for s in input_size)
        else [input_size]
    )
    for shape in shapes:
        if (
            not isinstance(shape, (list, tuple, torch.Size))
            or not shape
            or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape)
        ):
            raise ValueError(
                "Expected input_size to be a shape with the batch dimension, such as "
                f"(1, 3, 32, 32), or a list of such shapes, got {input_size!r}"
            )


def summarize(
    model: nn.Module,
    input_size: Sequence[int] | Sequence[Sequence[int]],
    device: str | torch.device | None = None,
) -> ModelStatistics:
    """Summarise a model's layers, output shapes and parameter counts with torchinfo.

    The note uses `torchsummary.summary(model, input_size=(channels, height, width))`
    ([the note][misc]). torchsummary is unmaintained, and its `device="cuda"` default
    puts the dummy input on CUDA whenever CUDA exists, so a model left on the CPU fails with a
    device mismatch. torchinfo is maintained but has the mirror trap: without a device it
    *moves* a CPU model to CUDA when CUDA exists. Here the model is never moved: the dummy
    input goes to the device the model's parameters (or buffers) are on; `device` is only
    used for a model that has none, or as a check. torchinfo runs the forward pass in eval
    mode under `torch.no_grad()` and restores the model's mode afterwards.

    Args:
        model: The model to summarise.
        input_size: The shape of the model's input *with* the batch dimension, such as
            `(1, 3, 32, 32)` (torchsummary's shape had none), or a list of shapes for a
            model with several inputs.
        device: The device to run on. `None` means the model's own device, or, for a
            model without parameters or buffers, the rule of
            [`pick_device`][ptnotes.device.pick_device].

    Returns:
        torchinfo's statistics: `str()` of it is the table; it has attributes such as
        `total_params`, `trainable_params` and `summary_list` (one entry per layer).

    Raises:
        TypeError: If `model` is not an `nn.Module`.
        ValueError: If `input_size` is not a shape (or list of shapes) of positive ints,
            `device` is unavailable or differs from the device the model is on, or the
            model's forward pass fails on an input of that size.

    !!! example
        ```python
        import torch
        from torch import nn
        from ptnotes import summarize

        model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten())
        stats = summarize(model, (1, 3, 16, 16))
        assert stats.total_params == 3 * 8 * 9 + 8
        assert stats.summary_list[-1].output_size == [1, 8 * 16 * 16]
        assert next(model.parameters()).device == torch.device("cpu")  # not moved
        assert "Total params: 224" in str(stats)  # str() is the table
        ```
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"Expected model to be a torch.nn.Module, got {type(model).__name__}")
    _check_input_size(input_size)
    model_device = _model_device(model)
    if model_device is None:
        target = pick_device(device)
    elif device is None:
        target = model_device
    else:
        target = pick_device(device)
        if not _same_device(target, model_device):
            raise ValueError(
                f"Expected device to be the one the model is on ({model_device}), got "
                f"{target}; move the model first, with model.to({str(target)!r})"
            )
    try:
        stats: ModelStatistics = summary(model, input_size=input_size, device=target, verbose=0)
    except RuntimeError as error:
        raise ValueError(
            f"Expected input_size that the model accepts, got {input_size!r}: the forward "
            f"pass failed with {error.__cause__!r}"
        ) from error
    return stats
