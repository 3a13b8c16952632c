"""Conversions between NumPy and torch, and the note's thresholded agreement count.

The lessons of [Data Type Conversions][data-type-conversions]: `torch.from_numpy` and
`.detach().numpy()` share memory on the CPU, `.float()` turns the float64 that NumPy
creates by default into float32, and `&` needs bool tensors.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from ptnotes.device import pick_device

__all__ = ["count_agreement", "to_numpy", "to_tensor"]


def to_tensor(
    array: npt.NDArray[np.generic],
    *,
    dtype: torch.dtype | None = None,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """Turn a NumPy array into a tensor, sharing its memory when nothing has to change.

    The note's `#!python torch.from_numpy(np_array).float().to(device)`
    ([the note][convertions-between-an-numpy-array-and-its-torch-tensor]) in one call. On
    the CPU with no dtype change the tensor and the array share memory (no copy): writing
    to one changes the other. A change of dtype or device makes a copy. A read-only array, one
    with negative strides or one of non-native byte order is copied first, since a tensor
    cannot share it.

    Shape:
        - Input: any shape `(*)`.
        - Output: the same shape `(*)`.

    Args:
        array: The NumPy array (numeric or bool dtype).
        dtype: The dtype of the tensor, for example `torch.float32` for float64 data;
            `None` keeps the dtype that corresponds to the array's.
        device: Where to put the tensor; `None` picks one by the rule of
            [`pick_device`][ptnotes.device.pick_device].

    Returns:
        The tensor, on `device`, with `dtype`.

    Raises:
        TypeError: If `array` is not a NumPy array, its dtype has no torch counterpart
            (such as `object` or strings), or `dtype` is not a `torch.dtype`.
        ValueError: If `device` is unknown or not available (see
            [`pick_device`][ptnotes.device.pick_device]).

    !!! example
        ```python
        import numpy as np
        import torch
        from ptnotes import to_tensor

        array = np.arange(6.0).reshape(2, 3)  # float64, as NumPy makes it
        shared = to_tensor(array, device="cpu")
        shared[0, 0] = 42.0
        assert array[0, 0] == 42.0  # zero copy: same memory

        as_float32 = to_tensor(array, dtype=torch.float32, device="cpu")
        assert as_float32.dtype == torch.float32
        ```
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"Expected array to be a numpy.ndarray, got {type(array).__name__}")
    if dtype is not None and not isinstance(dtype, torch.dtype):
        raise TypeError(f"Expected dtype to be a torch.dtype or None, got {type(dtype).__name__}")
    target = pick_device(device)
    if not array.flags.writeable or any(stride < 0 for stride in array.strides):
        array = array.copy()
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    try:
        tensor = torch.from_numpy(array)
    except TypeError:
        raise TypeError(
            "Expected array of a numeric or bool dtype that torch supports, "
            f"got dtype {array.dtype}"
        ) from None
    return tensor.to(device=target, dtype=dtype)


def to_numpy(tensor: torch.Tensor) -> npt.NDArray[np.generic]:
    """Turn a tensor into a NumPy array: detached, on the CPU.

    The note's `#!python tensor.detach().cpu().numpy()`
    ([the note][convertions-between-an-numpy-array-and-its-torch-tensor]). A CPU tensor
    shares its memory with the array (no copy); a tensor on another device is copied to
    the CPU. Conjugate and negative views are resolved first, as NumPy has no such views.

    Shape:
        - Input: any shape `(*)`.
        - Output: the same shape `(*)`.

    Args:
        tensor: A dense tensor, on any device, with or without `requires_grad`.

    Returns:
        The NumPy array.

    Raises:
        TypeError: If `tensor` is not a dense `torch.Tensor`, or its dtype has no NumPy
            counterpart (such as `torch.bfloat16`: convert it with `.float()` first).
        ValueError: If `tensor` is on the `meta` device, which holds no data.

    !!! example
        ```python
        import torch
        from ptnotes import to_numpy

        weights = torch.ones(3, requires_grad=True)
        array = to_numpy(weights * 2)  # no need to .detach() first
        assert array.tolist() == [2.0, 2.0, 2.0]
        ```
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"Expected tensor to be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.layout != torch.strided:
        raise TypeError(f"Expected a dense (strided) tensor, got layout {tensor.layout}")
    if tensor.device.type == "meta":
        raise ValueError("Expected a tensor that holds data, got a tensor on the meta device")
    try:
        array: npt.NDArray[np.generic] = tensor.numpy(force=True)
    except TypeError:
        raise TypeError(
            f"Expected a tensor whose dtype NumPy supports, got {tensor.dtype}; "
            "convert it first, for example with .float()"
        ) from None
    return array


def count_agreement(outputs: torch.Tensor, labels: torch.Tensor, *, threshold: float = 0.4) -> int:
    """Count the positions where the thresholded outputs and the labels are both true.

    The note's
    `#!python (torch.where(outputs > 0.4, 1, 0).bool() & labels).sum().item()`
    ([the note][float-to-bool]) made safe: the labels may be bool, integer or float (any
    non-zero label counts as true), and the shapes must be equal instead of broadcasting
    silently. Works on any device; the count is a Python `int`.

    Shape:
        - Outputs: any shape `(*)`.
        - Labels: the same shape `(*)`.

    Args:
        outputs: Scores or probabilities, of a real dtype.
        labels: The targets: bool, or numbers where non-zero means true.
        threshold: A position is predicted true where `outputs > threshold`.

    Returns:
        The number of positions predicted true whose label is true.

    Raises:
        TypeError: If `outputs` or `labels` is not a tensor, or either is complex.
        ValueError: If their shapes differ, or they are on different devices.

    !!! example
        ```python
        import torch
        from ptnotes import count_agreement

        outputs = torch.tensor([0.9, 0.3, 0.5, 0.1])
        labels = torch.tensor([1.0, 1.0, 0.0, 0.0])  # float labels: `&` would fail on them
        assert count_agreement(outputs, labels) == 1
        assert count_agreement(outputs, labels, threshold=0.2) == 2
        ```
    """
    for name, value in (("outputs", outputs), ("labels", labels)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"Expected {name} to be a torch.Tensor, got {type(value).__name__}")
        if value.is_complex():
            raise TypeError(f"Expected {name} of a real dtype, got {value.dtype}")
    if outputs.shape != labels.shape:
        raise ValueError(
            f"Expected labels of the shape of outputs {tuple(outputs.shape)}, "
            f"got {tuple(labels.shape)}"
        )
    if outputs.device != labels.device:
        raise ValueError(
            f"Expected labels on the device of outputs ({outputs.device}), got {labels.device}"
        )
    predicted = outputs > threshold
    return int((predicted & labels.bool()).sum().item())
