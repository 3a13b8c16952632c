from __future__ import annotations

import pytest
import torch

from ptnotes import autocast_device_type, available_devices, pick_device


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTNOTES_DEVICE", raising=False)


def fake_accelerators(monkeypatch: pytest.MonkeyPatch, *, cuda: int = 0, mps: bool = False) -> None:
    """Pretend that `cuda` CUDA devices and (or) MPS are present."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)


# Precedence: argument > PTNOTES_DEVICE > CUDA > MPS > CPU.


def test_argument_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, cuda=1)
    monkeypatch.setenv("PTNOTES_DEVICE", "cuda")
    assert pick_device("cpu") == torch.device("cpu")


def test_environment_wins_over_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, cuda=1, mps=True)
    monkeypatch.setenv("PTNOTES_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")


def test_environment_can_pick_an_indexed_cuda_device(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, cuda=2)
    monkeypatch.setenv("PTNOTES_DEVICE", "cuda:1")
    assert pick_device() == torch.device("cuda", 1)


def test_empty_environment_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    monkeypatch.setenv("PTNOTES_DEVICE", "")
    assert pick_device() == torch.device("cpu")


def test_cuda_wins_over_mps(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, cuda=1, mps=True)
    assert pick_device() == torch.device("cuda")


def test_mps_wins_over_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, mps=True)
    assert pick_device() == torch.device("mps")


def test_cpu_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    assert pick_device() == torch.device("cpu")


def test_default_matches_the_notes_rule() -> None:
    """The note: `'cuda' if torch.cuda.is_available() else 'cpu'` (MPS aside)."""
    if torch.backends.mps.is_available():
        pytest.skip("MPS extends the note's rule")
    note = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_device() == note


def test_every_present_device_can_be_picked(device: torch.device) -> None:
    assert pick_device(device) == device
    assert pick_device(str(device)) == device
    assert torch.zeros(1, device=pick_device(device)).device.type == device.type


@pytest.mark.parametrize("spec", ["cpu", "cpu:0", torch.device("cpu")])
def test_accepts_str_and_device(spec: str | torch.device) -> None:
    assert pick_device(spec).type == "cpu"


# Errors name the device and list the available ones.


def test_unknown_device_is_a_value_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    with pytest.raises(ValueError, match=r"available here \(cpu\), got unknown device 'tpu'"):
        pick_device("tpu")


def test_unavailable_cuda_index(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, cuda=2)
    with pytest.raises(ValueError, match=r"\(cpu, cuda:0, cuda:1\), got 'cuda:7'"):
        pick_device("cuda:7")


def test_cuda_without_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    with pytest.raises(ValueError, match=r"\(cpu\), got 'cuda', which is not available"):
        pick_device(torch.device("cuda"))


def test_mps_without_mps(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    with pytest.raises(ValueError, match=r"got 'mps', which is not available"):
        pick_device("mps")


@pytest.mark.parametrize("spec", ["cpu:1", "meta", "xla"])
def test_other_devices_are_not_available(monkeypatch: pytest.MonkeyPatch, spec: str) -> None:
    fake_accelerators(monkeypatch)
    with pytest.raises(ValueError, match=rf"got '{spec}', which is not available"):
        pick_device(spec)


def test_malformed_device_string() -> None:
    with pytest.raises(ValueError, match=r"got unknown device 'cuda:x'"):
        pick_device("cuda:x")


def test_bad_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    monkeypatch.setenv("PTNOTES_DEVICE", "tpu")
    with pytest.raises(ValueError, match=r"Expected PTNOTES_DEVICE to name a device .* 'tpu'"):
        pick_device()


def test_unavailable_environment_device(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch)
    monkeypatch.setenv("PTNOTES_DEVICE", "cuda")
    with pytest.raises(ValueError, match=r"Expected PTNOTES_DEVICE .* got 'cuda'"):
        pick_device()


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"Expected device to be a str or torch.device, got int"):
        pick_device(0)  # type: ignore[arg-type]


# available_devices


def test_available_devices_on_this_machine() -> None:
    devices = available_devices()
    assert devices[0] == torch.device("cpu")
    assert sum(d.type == "cuda" for d in devices) == (
        torch.cuda.device_count() if torch.cuda.is_available() else 0
    )


def test_available_devices_lists_every_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_accelerators(monkeypatch, cuda=2, mps=True)
    assert [str(d) for d in available_devices()] == ["cpu", "cuda:0", "cuda:1", "mps"]


# autocast_device_type


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("cuda:1", "cuda"),
        ("cuda", "cuda"),
        (torch.device("cuda", 0), "cuda"),
        ("cpu", "cpu"),
        (torch.device("cpu"), "cpu"),
        ("mps", "mps"),
    ],
)
def test_autocast_device_type(spec: str | torch.device, expected: str) -> None:
    assert autocast_device_type(spec) == expected


def test_autocast_device_type_differs_from_the_notes_str_for_an_indexed_device() -> None:
    """The note's `str(device)` is right for an unindexed device only."""
    assert str(torch.device("cuda")) == autocast_device_type(torch.device("cuda"))
    assert str(torch.device("cuda:0")) != autocast_device_type(torch.device("cuda:0"))


def test_autocast_accepts_the_result(device: torch.device) -> None:
    """The note's lesson on each present device: autocast needs a string, and this one works."""
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        torch.autocast(device_type=device)  # type: ignore[arg-type]
    dtype = torch.bfloat16 if device.type == "cpu" else torch.float16
    with torch.autocast(device_type=autocast_device_type(device), dtype=dtype):
        y = torch.ones(4, 4, device=device) @ torch.ones(4, 4, device=device)
    assert y.dtype == dtype


def test_autocast_device_type_errors() -> None:
    with pytest.raises(ValueError, match=r"got unknown device 'gpu'"):
        autocast_device_type("gpu")
    with pytest.raises(
        TypeError, match=r"Expected device to be a str or torch.device, got NoneType"
    ):
        autocast_device_type(None)  # type: ignore[arg-type]
