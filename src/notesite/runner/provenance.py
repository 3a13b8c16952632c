"""Where this run verifies the blocks that pass: the device, torch and the date."""

from __future__ import annotations

import datetime
import functools
import os
import sys

#: What a machine whose GPU torch could use has: NVIDIA's driver, AMD's (ROCm), WSL's.
GPU_DRIVER_FILES = ("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def cuda_available() -> bool:
    """Whether torch sees a CUDA GPU (``torch.cuda.is_available()``).

    Without importing torch where it is not imported yet and no GPU driver is there (Linux
    with none of :data:`GPU_DRIVER_FILES`): a run of pages imports torch in its pages'
    processes only, and asks this before each block.
    """
    if "torch" not in sys.modules and sys.platform.startswith("linux"):
        if not any(os.path.exists(path) for path in GPU_DRIVER_FILES):
            return False
    import torch

    return bool(torch.cuda.is_available())


def torch_version() -> str:
    """The version of torch, as ``torch.__version__`` says it (read without importing it)."""
    torch = sys.modules.get("torch")
    if torch is not None:
        return str(torch.__version__)
    return _installed_torch()


@functools.cache
def _installed_torch() -> str:
    """The installed torch's version, from its metadata (read once: a few ms a read)."""
    from importlib.metadata import version

    return version("torch")


def where() -> tuple[str, str]:
    """The device (``cpu`` or ``cuda``) and the words that name this run's verification."""
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    if cuda_available():
        import torch

        return "cuda", f"{torch.cuda.get_device_name()} · torch {torch_version()} · {today}"
    return "cpu", f"torch {torch_version()} · {today}"
