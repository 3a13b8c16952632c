from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ptnotes import count_agreement, to_numpy, to_tensor

PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def seeded_array(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape)  # float64, as NumPy makes it


# to_tensor


def test_cpu_tensor_shares_memory_with_the_array() -> None:
    array = seeded_array(3, 4)
    tensor = to_tensor(array, device="cpu")
    assert tensor.dtype == torch.float64
    assert tensor.data_ptr() == array.ctypes.data
    assert np.shares_memory(to_numpy(tensor), array)
    tensor[0, 0] = 7.0
    assert array[0, 0] == 7.0
    array[1, 1] = -3.0
    assert tensor[1, 1].item() == -3.0


def test_dtype_change_copies() -> None:
    array = seeded_array(5)
    tensor = to_tensor(array, dtype=torch.float32, device="cpu")
    assert tensor.dtype == torch.float32
    assert not np.shares_memory(tensor.numpy(), array)


def test_matches_the_notes_from_numpy_float(device: torch.device) -> None:
    """The note: `torch.from_numpy(np_array)`, `.float()`, `.to(device)`."""
    np_array = seeded_array(2, 3, 4)
    torch_tensor = torch.from_numpy(np_array)
    torch_tensor_float32 = torch_tensor.float()
    note = torch_tensor_float32.to(device)
    ours = to_tensor(np_array, dtype=torch.float32, device=device)
    assert ours.device.type == device.type
    torch.testing.assert_close(ours, note, rtol=0, atol=0)
    torch.testing.assert_close(to_tensor(np_array, device="cpu"), torch_tensor, rtol=0, atol=0)


def test_device_follows_pick_device(monkeypatch: pytest.MonkeyPatch, device: torch.device) -> None:
    monkeypatch.setenv("PTNOTES_DEVICE", str(device))
    assert to_tensor(seeded_array(2)).device.type == device.type


def test_read_only_array_is_copied_without_warning() -> None:
    array = seeded_array(3)
    array.flags.writeable = False
    tensor = to_tensor(array, device="cpu")  # torch.from_numpy would warn (an error here)
    assert not np.shares_memory(tensor.numpy(), array)
    np.testing.assert_array_equal(tensor.numpy(), array)


def test_negative_strides_and_byte_order() -> None:
    array = seeded_array(6)
    np.testing.assert_array_equal(to_tensor(array[::-1], device="cpu").numpy(), array[::-1])
    big_endian = array.astype(">f8")
    np.testing.assert_array_equal(to_tensor(big_endian, device="cpu").numpy(), array)


def test_to_tensor_errors() -> None:
    with pytest.raises(TypeError, match=r"Expected array to be a numpy.ndarray, got list"):
        to_tensor([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"Expected array of a numeric or bool dtype .* got dtype object"
    ):
        to_tensor(np.array([object()]), device="cpu")
    with pytest.raises(TypeError, match=r"Expected dtype to be a torch.dtype or None, got str"):
        to_tensor(seeded_array(2), dtype="float32")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"got unknown device 'tpu'"):
        to_tensor(seeded_array(2), device="tpu")


# to_numpy


def test_to_numpy_matches_the_notes_detach_numpy() -> None:
    """The note: `np_array = tensor.detach().numpy()`, for a tensor that requires grad."""
    tensor = torch.randn(3, 4, requires_grad=True) * 2
    note = tensor.detach().numpy()
    ours = to_numpy(tensor)
    np.testing.assert_array_equal(ours, note)
    assert np.shares_memory(ours, note)  # both share the tensor's memory


def test_to_numpy_moves_to_cpu(device: torch.device) -> None:
    tensor = torch.arange(6.0, device=device, requires_grad=True)
    array = to_numpy(tensor)
    assert isinstance(array, np.ndarray)
    np.testing.assert_array_equal(array, np.arange(6.0))


def test_to_numpy_resolves_conjugate_views() -> None:
    z = torch.tensor([1 + 2j, 3 - 1j])
    np.testing.assert_array_equal(to_numpy(z.conj()), np.array([1 - 2j, 3 + 1j]))


def test_to_numpy_errors() -> None:
    with pytest.raises(TypeError, match=r"Expected tensor to be a torch.Tensor, got ndarray"):
        to_numpy(np.zeros(2))  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"Expected a tensor whose dtype NumPy supports, got torch.bfloat16"
    ):
        to_numpy(torch.ones(2, dtype=torch.bfloat16))
    with pytest.raises(
        TypeError, match=r"Expected a dense \(strided\) tensor, got layout torch.sparse_coo"
    ):
        to_numpy(torch.eye(2).to_sparse())
    with pytest.raises(ValueError, match=r"got a tensor on the meta device"):
        to_numpy(torch.empty(2, device="meta"))


# Property tests: the round trip keeps shape, dtype and every value, extremes included.

ARRAY_DTYPES = st.sampled_from(
    [
        np.float64,
        np.float32,
        np.float16,
        np.int64,
        np.int32,
        np.int8,
        np.uint8,
        np.bool_,
        np.complex64,
    ]
)


@PROPERTY
@given(
    array=hnp.arrays(
        ARRAY_DTYPES,
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
        elements={"allow_nan": True, "allow_infinity": True, "allow_subnormal": True},
    )
)
def test_round_trip_cpu_is_zero_copy(array: np.ndarray) -> None:
    tensor = to_tensor(array, device="cpu")
    assert tuple(tensor.shape) == array.shape
    back = to_numpy(tensor)
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)
    if array.size:
        assert np.shares_memory(back, array)


@PROPERTY
@given(
    array=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
        elements=st.floats(-1e300, 1e300, allow_subnormal=True),
    )
)
def test_float64_to_float32_round_trip(device: torch.device, array: np.ndarray) -> None:
    tensor = to_tensor(array, dtype=torch.float32, device=device)
    assert tensor.dtype == torch.float32
    assert tensor.device.type == device.type
    note = torch.from_numpy(array).float()  # the note's cast; beyond float32's range: inf
    np.testing.assert_array_equal(to_numpy(tensor), note.numpy())


# count_agreement


def note_count(outputs_test: torch.Tensor, labels_test: torch.Tensor) -> int:
    """The note's snippet, verbatim."""
    predicted_test = torch.where(outputs_test > 0.4, 1, 0).bool()
    local_correct = (predicted_test & labels_test).sum().item()
    return int(local_correct)


def test_count_agreement_matches_the_note(device: torch.device) -> None:
    generator = torch.Generator().manual_seed(0)
    outputs = torch.rand(64, 5, generator=generator).to(device)
    labels = (torch.rand(64, 5, generator=generator) > 0.5).to(device)
    assert count_agreement(outputs, labels) == note_count(outputs, labels)


def test_float_labels_where_the_note_fails(device: torch.device) -> None:
    """The note's `bitwise_and ... not implemented for 'Float'`; `.bool()` is its fix."""
    generator = torch.Generator().manual_seed(1)
    outputs = torch.rand(32, generator=generator).to(device)
    labels = (torch.rand(32, generator=generator) > 0.5).float().to(device)
    with pytest.raises(RuntimeError, match="bitwise_and"):
        note_count(outputs, labels)
    assert count_agreement(outputs, labels) == note_count(outputs, labels.bool())


@pytest.mark.parametrize("dtype", [torch.bool, torch.int64, torch.uint8, torch.float32])
@pytest.mark.parametrize("threshold", [0.0, 0.4, 0.75])
def test_count_agreement_values(device: torch.device, dtype: torch.dtype, threshold: float) -> None:
    outputs = torch.tensor([0.9, 0.3, 0.5, 0.1, 0.45, 0.8], device=device)
    labels = torch.tensor([1, 1, 0, 0, 1, 1], device=device).to(dtype)
    expected = sum(
        o > threshold and bool(label)
        for o, label in zip(outputs.tolist(), labels.tolist(), strict=True)
    )
    count = count_agreement(outputs, labels, threshold=threshold)
    assert isinstance(count, int)
    assert count == expected


def test_count_agreement_errors() -> None:
    outputs = torch.rand(4)
    with pytest.raises(
        ValueError, match=r"Expected labels of the shape of outputs \(4,\), got \(4, 1\)"
    ):
        count_agreement(outputs, torch.ones(4, 1, dtype=torch.bool))
    with pytest.raises(
        ValueError, match=r"Expected labels on the device of outputs \(cpu\), got meta"
    ):
        count_agreement(outputs, torch.ones(4, dtype=torch.bool, device="meta"))
    with pytest.raises(TypeError, match=r"Expected outputs of a real dtype, got torch.complex64"):
        count_agreement(outputs.to(torch.complex64), torch.ones(4))
    with pytest.raises(TypeError, match=r"Expected labels to be a torch.Tensor, got list"):
        count_agreement(outputs, [1, 0, 1, 0])  # type: ignore[arg-type]
