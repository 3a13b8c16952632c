"""Building blocks of a network.

From [Neural Network Model Components][neural-network-model-components].
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from ptnotes.device import pick_device

__all__ = ["conv_bn_relu"]


def _pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else value
    if (
        not isinstance(pair, tuple)
        or len(pair) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
    ):
        raise TypeError(f"Expected {name} to be an int or a pair of ints, got {value!r}")
    return pair


def conv_bn_relu(
    in_channels: int,
    out_channels: int,
    kernel_size: int | tuple[int, int] = 3,
    *,
    batch_norm: bool = True,
    relu: bool = True,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | None = None,
    bias: bool | None = None,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> nn.Sequential:
    """Build a convolution, optionally followed by batch norm and ReLU, as one module.

    The note's builder ([the note][neural-network-model-components]): a list of layers,
    each optional component appended only when asked for, then `nn.Sequential(*layers)`.
    The children are named `conv`, `bn` and `relu`, so `block.conv` reaches the
    convolution whatever else is present.

    Shape:
        - Input: `(N, in_channels, H, W)`.
        - Output: `(N, out_channels, H_out, W_out)`; with the default `padding` and
          `stride=1` an odd kernel keeps `H_out, W_out = H, W`.

    Args:
        in_channels: Channels of the input.
        out_channels: Channels of the output.
        kernel_size: Size of the convolution kernel.
        batch_norm: Append `nn.BatchNorm2d(out_channels)`.
        relu: Append `nn.ReLU()`.
        stride: Stride of the convolution.
        padding: Zero padding of the convolution; `None` means `kernel_size // 2`.
        bias: Whether the convolution has a bias; `None` means only without batch norm,
            whose own shift makes a bias before it redundant.
        device: Where to create the parameters; `None` picks one by the rule of
            [`pick_device`][ptnotes.device.pick_device].
        dtype: The dtype of the parameters; `None` means the default dtype.

    Returns:
        The block, an `nn.Sequential` whose forward runs its children in order.

    Raises:
        TypeError: If a size is not an int (or a pair of ints), or a flag is not a bool.
        ValueError: If a channel count, kernel size or stride is not positive, a padding is
            negative, or `device` is not available.

    !!! example
        ```python
        import torch
        from ptnotes import conv_bn_relu

        torch.manual_seed(0)
        block = conv_bn_relu(3, 8, batch_norm=False, device="cpu")
        assert [name for name, _ in block.named_children()] == ["conv", "relu"]
        y = block(torch.randn(2, 3, 16, 16))
        assert y.shape == (2, 8, 16, 16) and bool((y >= 0).all())
        ```
    """
    for name, count in (("in_channels", in_channels), ("out_channels", out_channels)):
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(f"Expected {name} to be an int, got {type(count).__name__}")
        if count <= 0:
            raise ValueError(f"Expected {name} > 0, got {count}")
    for name, flag in (("batch_norm", batch_norm), ("relu", relu)):
        if not isinstance(flag, bool):
            raise TypeError(f"Expected {name} to be a bool, got {type(flag).__name__}")
    kernel = _pair(kernel_size, "kernel_size")
    strides = _pair(stride, "stride")
    for name, pair in (("kernel_size", kernel), ("stride", strides)):
        if min(pair) <= 0:
            raise ValueError(f"Expected {name} > 0, got {pair}")
    pad = (kernel[0] // 2, kernel[1] // 2) if padding is None else _pair(padding, "padding")
    if min(pad) < 0:
        raise ValueError(f"Expected padding >= 0, got {pad}")
    if bias is not None and not isinstance(bias, bool):
        raise TypeError(f"Expected bias to be a bool or None, got {type(bias).__name__}")
    target = pick_device(device)

    layers: list[tuple[str, nn.Module]] = [
        (
            "conv",
            nn.Conv2d(
                in_channels,
                out_channels,
                kernel,
                stride=strides,
                padding=pad,
                bias=not batch_norm if bias is None else bias,
                device=target,
                dtype=dtype,
            ),
        )
    ]
    if batch_norm:
        layers.append(("bn", nn.BatchNorm2d(out_channels, device=target, dtype=dtype)))
    if relu:
        layers.append(("relu", nn.ReLU()))
    return nn.Sequential(OrderedDict(layers))
