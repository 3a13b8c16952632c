"""Device selection: the one rule that every helper follows.

The notes write `#!python tensor.to('cuda' if torch.cuda.is_available() else 'cpu')` and
`#!python device_type = str(device)` ([the note][device-related]). This module does both
in one place, so that a choice made once (an argument, or the `PTNOTES_DEVICE`
environment variable) holds for every helper of `ptnotes`.
"""

from __future__ import annotations

import os

import torch

__all__ = ["autocast_device_type", "available_devices", "pick_device"]

# The environment variable read by pick_device.
_ENV_VAR = "PTNOTES_DEVICE"


def available_devices() -> list[torch.device]:
    """List the devices that tensors can be created on here.

    CPU always comes first, then every CUDA device (`cuda:0`, `cuda:1`, ...), then Apple's
    `mps` where PyTorch reports it available: the choices behind the note's
    `#!python torch.cuda.is_available()` ([the note][device-related]), which
    [`pick_device`][ptnotes.device.pick_device] names in its errors.

    Returns:
        The available devices, each with an explicit index for CUDA.

    !!! example
        ```python
        import torch
        from ptnotes import available_devices

        devices = available_devices()
        assert devices[0] == torch.device("cpu")
        assert any(d.type == "cuda" for d in devices) == torch.cuda.is_available()
        ```
    """
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices += [torch.device("cuda", i) for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        devices.append(torch.device("mps"))
    return devices


def _is_available(device: torch.device) -> bool:
    index = 0 if device.index is None else device.index
    if device.type == "cpu":
        return index == 0
    if device.type == "cuda":
        return torch.cuda.is_available() and 0 <= index < torch.cuda.device_count()
    if device.type == "mps":
        return index == 0 and torch.backends.mps.is_available()
    return False


def _describe_available() -> str:
    return ", ".join(str(d) for d in available_devices())


def _parse(device: str | torch.device, source: str) -> torch.device:
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(
            f"Expected {source} to be a str or torch.device, got {type(device).__name__}"
        )
    try:
        return torch.device(device)
    except RuntimeError:
        raise ValueError(
            f"Expected {source} to name a device available here ({_describe_available()}), "
            f"got unknown device {device!r}"
        ) from None


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """Choose the device to compute on, by the one rule of `ptnotes`.

    The first that applies wins:

    1. `device`, when given;
    2. the `PTNOTES_DEVICE` environment variable, when set and not empty;
    3. CUDA (`torch.device("cuda")`, the current CUDA device) when available;
    4. Apple's MPS when available;
    5. the CPU.

    This is the note's `#!python 'cuda' if torch.cuda.is_available() else 'cpu'`
    ([the note][convertions-between-an-numpy-array-and-its-torch-tensor]), extended so
    that a choice can be made once and checked early instead of failing inside PyTorch.

    Args:
        device: An explicit device, such as `"cpu"`, `"cuda:1"` or a `torch.device`.

    Returns:
        The chosen device.

    Raises:
        TypeError: If `device` is neither a `str`, a `torch.device` nor `None`.
        ValueError: If the requested device (argument or environment variable) is unknown
            to PyTorch or not available here; the message lists the available devices.

    !!! example
        ```python
        import torch
        from ptnotes import pick_device

        assert pick_device("cpu") == torch.device("cpu")
        assert pick_device().type in {"cpu", "cuda", "mps"}
        try:
            pick_device("tpu")
        except ValueError as error:
            assert "'tpu'" in str(error) and "cpu" in str(error)
        ```
    """
    if device is not None:
        chosen, source = _parse(device, "device"), "device"
    elif os.environ.get(_ENV_VAR):
        chosen, source = _parse(os.environ[_ENV_VAR], _ENV_VAR), _ENV_VAR
    elif torch.cuda.is_available():
        return torch.device("cuda")
    elif torch.backends.mps.is_available():
        return torch.device("mps")
    else:
        return torch.device("cpu")
    if not _is_available(chosen):
        raise ValueError(
            f"Expected {source} to name a device available here ({_describe_available()}), "
            f"got {str(chosen)!r}, which is not available"
        )
    return chosen


def autocast_device_type(device: str | torch.device) -> str:
    """Return the `device_type` string that `torch.autocast` expects for `device`.

    `torch.autocast` takes a string, not a `torch.device`, and the note passes
    `str(device)` ([the note][device-related]). That works for `torch.device("cuda")`, but an
    indexed device gives `"cuda:0"`, which is not a device *type*: older PyTorch versions
    reject it, and newer ones skip the checks they make for `"cuda"` (such as the warning
    that CUDA is unavailable). The device's `type` is what autocast needs. This only parses
    `device`; it does not check that the device is available (use
    [`pick_device`][ptnotes.device.pick_device] for that).

    Args:
        device: A device, such as `"cuda:0"` or `torch.device("cpu")`.

    Returns:
        The device type, such as `"cuda"` or `"cpu"`.

    Raises:
        TypeError: If `device` is neither a `str` nor a `torch.device`.
        ValueError: If `device` is not a device string that PyTorch knows.

    !!! example
        ```python
        import torch
        from ptnotes import autocast_device_type, pick_device

        assert str(torch.device("cuda:0")) == "cuda:0"  # what the note's str(device) gives
        assert autocast_device_type(torch.device("cuda:0")) == "cuda"

        device = pick_device("cpu")
        with torch.autocast(device_type=autocast_device_type(device), dtype=torch.bfloat16):
            y = torch.ones(2, 2, device=device) @ torch.ones(2, 2, device=device)
        assert y.dtype == torch.bfloat16
        ```
    """
    return _parse(device, "device").type
