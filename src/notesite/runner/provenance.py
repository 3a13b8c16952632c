"""Where this run verifies the blocks that pass: the device, torch and the date."""

from __future__ import annotations

import datetime


def where() -> tuple[str, str]:
    """The device (``cpu`` or ``cuda``) and the words that name this run's verification."""
    import torch

    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    if torch.cuda.is_available():
        return "cuda", f"{torch.cuda.get_device_name()} · torch {torch.__version__} · {today}"
    return "cpu", f"torch {torch.__version__} · {today}"
