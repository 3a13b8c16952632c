from __future__ import annotations

from importlib.metadata import version
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from kornia.losses import focal_loss as kornia_focal_loss

from ptnotes import FocalLoss, focal_loss

PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
IGNORE = -100


def _version(package: str) -> tuple[int, ...]:
    """The installed version of ``package``, as numbers (``(0, 9, 0)``)."""
    return tuple(int(part) for part in version(package).split(".")[:3] if part.isdigit())


def reference(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    gamma: float = 2.0,
    alpha: float | torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int = IGNORE,
) -> torch.Tensor:
    """The definition, in float64, without any of the implementation's shortcuts."""
    x = logits.double()
    valid = target != ignore_index
    index = torch.where(valid, target, 0).long()
    log_p = torch.log_softmax(x, 1).gather(1, index.unsqueeze(1)).squeeze(1)
    loss = -((1 - log_p.exp()) ** gamma) * log_p
    if isinstance(alpha, torch.Tensor):
        loss = loss * alpha.double()[index]
    elif alpha is not None:
        loss = loss * torch.where(index == 0, 1 - alpha, alpha).double()
    loss = torch.where(valid, loss, 0.0)
    if reduction == "mean":
        return loss.sum() / valid.sum()
    return loss.sum() if reduction == "sum" else loss


def make_inputs(
    shape: tuple[int, ...],
    device: torch.device | str = "cpu",
    *,
    dtype: torch.dtype = torch.float32,
    scale: float = 1.0,
    ignored: int = 0,
    ignore_index: int = IGNORE,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    target = torch.randint(0, shape[1], (shape[0], *shape[2:]), generator=generator)
    target.view(-1)[:ignored] = ignore_index
    return logits.to(device, dtype).requires_grad_(), target.to(device)


def grad_of(loss: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    (grad,) = torch.autograd.grad(loss.sum(), logits)
    return grad


ALPHAS: list[Any] = [None, 0.25, "per-class"]


def resolve_alpha(alpha: Any, classes: int, device: torch.device | str) -> Any:
    if alpha == "per-class":
        return torch.linspace(0.2, 1.5, classes, dtype=torch.float64).to(device)
    return alpha


# Against the float64 definition


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_matches_the_definition(
    device: torch.device, gamma: float, alpha: Any, reduction: str
) -> None:
    logits, target = make_inputs((3, 4, 5, 2), device, dtype=torch.float64, ignored=3)
    alpha = resolve_alpha(alpha, 4, device)
    kwargs = {"gamma": gamma, "alpha": alpha, "reduction": reduction}
    ours = focal_loss(logits, target, **kwargs)
    expected = reference(logits, target, **kwargs)
    torch.testing.assert_close(ours, expected)
    torch.testing.assert_close(grad_of(ours, logits), grad_of(expected, logits))


@pytest.mark.parametrize("shape", [(6, 3), (2, 5, 7), (2, 3, 4, 5), (1, 2, 2, 3, 2)])
def test_float32_matches_the_float64_definition(
    device: torch.device, shape: tuple[int, ...]
) -> None:
    logits, target = make_inputs(shape, device, scale=3.0)
    ours = focal_loss(logits, target, gamma=2.0, alpha=0.3)
    assert ours.dtype == torch.float32
    expected = reference(logits, target, gamma=2.0, alpha=0.3)
    torch.testing.assert_close(ours.double(), expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(
        grad_of(ours, logits), grad_of(expected, logits), rtol=1e-4, atol=1e-6
    )


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("alpha", ALPHAS)
def test_gradcheck(gamma: float, alpha: Any) -> None:
    logits, target = make_inputs((2, 3, 2, 2), dtype=torch.float64, ignored=1, seed=3)
    alpha = resolve_alpha(alpha, 3, "cpu")
    for reduction in ("none", "mean"):

        def loss(x: torch.Tensor, reduction: str = reduction) -> torch.Tensor:
            return focal_loss(x, target, gamma=gamma, alpha=alpha, reduction=reduction)

        assert torch.autograd.gradcheck(loss, (logits,))
        assert torch.autograd.gradgradcheck(loss, (logits,), fast_mode=True)


def test_gradcheck_on_device(device: torch.device) -> None:
    logits, target = make_inputs((2, 4, 3), device, dtype=torch.float64, ignored=1)
    assert torch.autograd.gradcheck(lambda x: focal_loss(x, target, gamma=1.5), (logits,))


# gamma=0, alpha=None is cross entropy


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", [(7, 5), (3, 4, 6), (2, 3, 4, 5)])
@pytest.mark.parametrize("ignore_index", [IGNORE, 1])
def test_gamma_zero_is_cross_entropy(
    device: torch.device, reduction: str, shape: tuple[int, ...], ignore_index: int
) -> None:
    logits, target = make_inputs(shape, device, ignored=4, ignore_index=ignore_index, scale=4.0)
    ours = focal_loss(logits, target, gamma=0, reduction=reduction, ignore_index=ignore_index)
    expected = F.cross_entropy(logits, target, reduction=reduction, ignore_index=ignore_index)
    torch.testing.assert_close(ours, expected)
    torch.testing.assert_close(grad_of(ours, logits), grad_of(expected, logits))


def test_every_position_ignored() -> None:
    logits, target = make_inputs((2, 3, 2), ignored=4)
    assert torch.isnan(focal_loss(logits, target)).item()
    assert torch.isnan(F.cross_entropy(logits, target)).item()
    assert focal_loss(logits, target, reduction="sum").item() == 0.0
    assert torch.equal(
        grad_of(focal_loss(logits, target, reduction="sum"), logits), torch.zeros_like(logits)
    )


# Against kornia, where the conventions agree

#: kornia before 0.9 (the newest kornia that torch 2.4 gets) computes the same loss in float32
#: with results up to 1.5e-5 apart from kornia 0.9's per element, 2e-6 on a sum (measured on
#: torch 2.4.1, kornia 0.8.3): against it, the comparison allows 5e-5. The release matrix's
#: results name the kornia each release ran with.
KORNIA = {} if _version("kornia") >= (0, 9) else {"rtol": 1e-5, "atol": 5e-5}


@pytest.mark.parametrize(
    "shape", [(4, 3, 6, 6), (2, 4, 256, 256)]
)  # the second: kornia's CPU fast path
@pytest.mark.parametrize("gamma", [0.0, 2.0])
@pytest.mark.parametrize("alpha", [None, 0.25])
def test_matches_kornia_float_alpha(
    device: torch.device, shape: tuple[int, ...], gamma: float, alpha: float | None
) -> None:
    logits, target = make_inputs(shape, device, ignored=5)
    kwargs = {"alpha": alpha, "gamma": gamma}
    theirs_sum = kornia_focal_loss(logits, target, reduction="sum", **kwargs)
    torch.testing.assert_close(
        focal_loss(logits, target, reduction="sum", **kwargs), theirs_sum, **KORNIA
    )
    torch.testing.assert_close(
        grad_of(focal_loss(logits, target, reduction="sum", **kwargs), logits),
        grad_of(theirs_sum, logits),
        **KORNIA,
    )
    # Kornia's 'none' is (N, C, *), zero off the target class; its 'mean' divides by all of it.
    torch.testing.assert_close(
        focal_loss(logits, target, reduction="none", **kwargs),
        kornia_focal_loss(logits, target, reduction="none", **kwargs).sum(1),
        **KORNIA,
    )
    valid = (target != IGNORE).sum()
    torch.testing.assert_close(
        focal_loss(logits, target, reduction="mean", **kwargs) * valid / logits.numel(),
        kornia_focal_loss(logits, target, reduction="mean", **kwargs),
        **KORNIA,
    )


def test_tensor_alpha_is_kornias_weight(device: torch.device) -> None:
    logits, target = make_inputs((3, 4, 5, 5), device, ignored=2)
    weight = torch.tensor([0.1, 0.5, 1.0, 2.0], device=device)
    ours = focal_loss(logits, target, alpha=weight, reduction="sum")
    theirs = kornia_focal_loss(logits, target, alpha=None, weight=weight, reduction="sum")
    torch.testing.assert_close(ours, theirs, **KORNIA)
    torch.testing.assert_close(grad_of(ours, logits), grad_of(theirs, logits), **KORNIA)


# The note's softmax -> gather route


def test_matches_the_notes_gather(device: torch.device) -> None:
    """The note's snippet (its `inputs` is `model_preds`); log of its gathered probabilities."""
    # (m, class_num, h, w)
    model_preds = torch.Tensor(
        [
            [
                # two channels
                [[0.1, 0.4, 0.2]],
                [[0.3, 0.6, 0.7]],
            ]
        ]
    ).to(device)
    # label (m, h, w), only 1 correct class
    targets = torch.Tensor([[[0, 1, 0]]]).long().to(device)
    probs = torch.nn.functional.softmax(model_preds, dim=1)
    gathered = probs.gather(1, targets.unsqueeze(1))
    torch.testing.assert_close(
        gathered.cpu(), torch.tensor([[[[0.4502, 0.5498, 0.3775]]]]), rtol=0, atol=1e-4
    )
    ours = focal_loss(model_preds, targets, gamma=0.0, reduction="none")
    torch.testing.assert_close(ours, -gathered.log().squeeze(1))
    focal = focal_loss(model_preds, targets, gamma=2.0, reduction="none")
    torch.testing.assert_close(focal, -((1 - gathered) ** 2 * gathered.log()).squeeze(1))


def note_route(logits: torch.Tensor, target: torch.Tensor, gamma: float) -> torch.Tensor:
    """A focal loss by the note's route: softmax, gather, then log."""
    p_t = torch.nn.functional.softmax(logits, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
    return (-((1 - p_t) ** gamma) * p_t.log()).mean()


def test_equals_the_notes_route_for_moderate_logits(device: torch.device) -> None:
    logits, target = make_inputs((4, 5, 8, 8), device, scale=2.0, seed=7)
    ours = focal_loss(logits, target, gamma=2.0)
    note = note_route(logits, target, 2.0)
    torch.testing.assert_close(ours, note)
    torch.testing.assert_close(grad_of(ours, logits), grad_of(note, logits))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_extreme_logits_stay_finite(device: torch.device, dtype: torch.dtype) -> None:
    """Where the note's route gives inf and NaN, the loss is finite and exact."""
    logits = torch.tensor(
        [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [5e3, -5e3, -1e4]], device=device, dtype=dtype
    ).requires_grad_()
    target = torch.tensor([1, 0, 2], device=device)
    note = note_route(logits, target, 2.0)
    assert not torch.isfinite(note).item()
    note.backward()
    assert logits.grad is not None
    assert not torch.isfinite(logits.grad).all().item()

    ours = focal_loss(logits, target, gamma=2.0)
    expected = reference(logits, target, gamma=2.0)
    torch.testing.assert_close(ours.double(), expected, rtol=1e-6, atol=0)
    grad = grad_of(ours, logits)
    assert torch.isfinite(grad).all().item()
    torch.testing.assert_close(grad, grad_of(expected, logits))


@pytest.mark.parametrize("gamma", [0.25, 0.5, 1.0, 2.0])
def test_saturated_probability_has_a_zero_not_nan_gradient(
    device: torch.device, gamma: float
) -> None:
    """p_t == 1 exactly: (1 - p) ** gamma has an infinite derivative there for gamma < 1."""
    logits = torch.tensor([[200.0, -200.0], [0.3, -0.1]], device=device, requires_grad=True)
    target = torch.tensor([0, 1], device=device)
    loss = focal_loss(logits, target, gamma=gamma, reduction="none")
    assert loss[0].item() == 0.0
    grad = grad_of(loss, logits)
    assert torch.isfinite(grad).all().item()
    assert grad[0].abs().max().item() == 0.0


# The implementation: no full-size saved tensor, and the paths it falls back to


def test_saves_no_full_size_tensor_but_the_logits() -> None:
    logits, target = make_inputs((4, 6, 16, 16), ignored=3)
    saved: list[torch.Tensor] = []

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        saved.append(tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        focal_loss(logits, target, gamma=2.0, alpha=0.25)
    full_size = [t for t in saved if t.numel() >= logits.numel()]
    assert full_size
    assert all(t.data_ptr() == logits.data_ptr() for t in full_size)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision(device: torch.device, dtype: torch.dtype) -> None:
    logits, target = make_inputs((2, 5, 4, 4), device, dtype=dtype, scale=3.0, ignored=2)
    ours = focal_loss(logits, target, gamma=2.0, alpha=0.5)
    assert ours.dtype == dtype
    expected = reference(logits, target, gamma=2.0, alpha=0.5)
    torch.testing.assert_close(ours.double(), expected, rtol=1e-2, atol=1e-3)
    grad = grad_of(ours, logits)
    assert grad.dtype == dtype
    assert torch.isfinite(grad).all().item()


def test_functorch_transforms() -> None:
    logits, target = make_inputs((3, 4, 5), dtype=torch.float64, ignored=2)
    x = logits.detach()

    def loss(z: torch.Tensor) -> torch.Tensor:
        return focal_loss(z, target, gamma=1.5, alpha=0.4)

    torch.testing.assert_close(torch.func.grad(loss)(x), grad_of(loss(logits), logits))
    batched = torch.func.vmap(lambda z: focal_loss(z[None], target[:1], gamma=1.5))(x)
    torch.testing.assert_close(batched, torch.stack([loss_one(z, target[:1]) for z in x]))


def loss_one(z: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return focal_loss(z[None], target, gamma=1.5)


# torch's forward AD loads decompositions that it compiles with its own deprecated jit.script
# (a DeprecationWarning; a FutureWarning from torch 2.14).
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")
def test_forward_mode_ad() -> None:
    logits, target = make_inputs((3, 4, 5), dtype=torch.float64, ignored=1)
    x = logits.detach()
    tangent = torch.randn(x.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)

    def loss(z: torch.Tensor) -> torch.Tensor:
        return focal_loss(z, target, gamma=2.0)

    with torch.autograd.forward_ad.dual_level():
        out = loss(torch.autograd.forward_ad.make_dual(x, tangent))
        got = torch.autograd.forward_ad.unpack_dual(out).tangent
    torch.testing.assert_close(got, (grad_of(loss(logits), logits) * tangent).sum())


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_logits_at_ignored_positions(device: torch.device, value: float) -> None:
    logits, target = make_inputs((2, 3, 4), device, ignored=1)
    with torch.no_grad():
        logits[0, :, 0] = value  # the first position, ignored
    loss = focal_loss(logits, target, gamma=2.0, alpha=0.25, reduction="sum")
    assert torch.isfinite(loss).item()
    grad = grad_of(loss, logits)
    assert torch.isfinite(grad).all().item()
    assert grad[0, :, 0].abs().max().item() == 0.0


def test_learnable_alpha_gets_a_gradient() -> None:
    logits, target = make_inputs((3, 4, 5), dtype=torch.float64, ignored=2)
    alpha = torch.tensor([0.5, 1.0, 2.0, 0.0], dtype=torch.float64, requires_grad=True)
    ours = torch.autograd.grad(focal_loss(logits, target, alpha=alpha), (logits, alpha))
    expected = torch.autograd.grad(reference(logits, target, alpha=alpha), (logits, alpha))
    torch.testing.assert_close(ours, expected)


@pytest.mark.parametrize("dtype", [torch.int32, torch.int16, torch.uint8])
def test_integer_target_dtypes(dtype: torch.dtype) -> None:
    logits, target = make_inputs((4, 3, 5))
    torch.testing.assert_close(focal_loss(logits, target.to(dtype)), focal_loss(logits, target))


# Property tests: random shapes, dtypes, finite and extreme values


@st.composite
def focal_cases(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 3))
    c = draw(st.integers(1, 5))
    spatial = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    values = draw(
        hnp.arrays(
            np.float64,
            (n, c, *spatial),
            elements=st.one_of(st.floats(-1e4, 1e4), st.sampled_from([-1e4, 1e4, 0.0])),
        )
    )
    target = draw(
        hnp.arrays(
            np.int64, (n, *spatial), elements=st.one_of(st.integers(0, c - 1), st.just(IGNORE))
        )
    )
    alpha = draw(
        st.one_of(
            st.none(),
            st.floats(0, 1),
            hnp.arrays(np.float64, (c,), elements=st.floats(0, 2)).map(torch.from_numpy),
        )
    )
    return {
        "values": values,
        "target": torch.from_numpy(target),
        "dtype": draw(st.sampled_from([torch.float32, torch.float64])),
        "gamma": draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0, 5))),
        "alpha": alpha,
        "reduction": draw(st.sampled_from(["none", "mean", "sum"])),
    }


@PROPERTY
@given(case=focal_cases())
def test_property_matches_the_definition(device: torch.device, case: dict[str, Any]) -> None:
    dtype = case["dtype"]
    logits = torch.from_numpy(case["values"]).to(device, dtype).requires_grad_()
    target = case["target"].to(device)
    alpha = case["alpha"]
    if isinstance(alpha, torch.Tensor):
        alpha = alpha.to(device)
    kwargs = {"gamma": case["gamma"], "alpha": alpha, "reduction": case["reduction"]}
    ours = focal_loss(logits, target, **kwargs)
    expected = reference(logits, target, **kwargs)

    assert ours.dtype == dtype
    assert ours.shape == expected.shape
    if case["reduction"] == "none":
        assert ours.shape == target.shape
    nothing_valid = bool((target == IGNORE).all())
    if case["reduction"] == "mean" and nothing_valid:
        assert torch.isnan(ours).item()
        return
    assert torch.isfinite(ours).all().item()
    assert (ours >= 0).all().item()
    tolerance = {"rtol": 1e-5, "atol": 1e-5} if dtype == torch.float32 else {}
    torch.testing.assert_close(ours.double(), expected, **tolerance)
    grad = grad_of(ours, logits)
    assert torch.isfinite(grad).all().item()
    # The definition's own gradient is NaN where p_t == 1 and 0 < gamma < 1.
    expected_grad = grad_of(expected, logits)
    finite = torch.isfinite(expected_grad)
    grad_tolerance = {"rtol": 1e-4, "atol": 1e-5} if dtype == torch.float32 else {}
    torch.testing.assert_close(grad[finite], expected_grad[finite], **grad_tolerance)


@PROPERTY
@given(case=focal_cases())
def test_property_reductions_agree(case: dict[str, Any]) -> None:
    logits = torch.from_numpy(case["values"]).to(case["dtype"])
    target = case["target"]
    kwargs = {"gamma": case["gamma"], "alpha": case["alpha"]}
    none = focal_loss(logits, target, reduction="none", **kwargs)
    torch.testing.assert_close(focal_loss(logits, target, reduction="sum", **kwargs), none.sum())
    assert bool((none[target == IGNORE] == 0).all())


# FocalLoss


def test_module_calls_the_function(device: torch.device) -> None:
    logits, target = make_inputs((2, 3, 4), device, ignored=1)
    alpha = torch.tensor([0.2, 1.0, 3.0])
    criterion = FocalLoss(gamma=1.0, alpha=alpha, reduction="sum", ignore_index=IGNORE).to(device)
    assert criterion.alpha.device.type == device.type
    assert list(criterion.state_dict()) == ["alpha"]
    expected = focal_loss(logits, target, gamma=1.0, alpha=alpha.to(device), reduction="sum")
    torch.testing.assert_close(criterion(logits, target), expected)
    assert FocalLoss(alpha=0.25).alpha == 0.25
    assert list(FocalLoss(alpha=0.25).state_dict()) == []


def test_module_repr() -> None:
    assert repr(FocalLoss(alpha=0.5)) == (
        "FocalLoss(gamma=2.0, alpha=0.5, reduction='mean', ignore_index=-100)"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"gamma": -1.0}, ValueError, r"Expected a finite gamma >= 0, got -1.0"),
        ({"gamma": float("inf")}, ValueError, r"Expected a finite gamma >= 0, got inf"),
        ({"gamma": "2"}, TypeError, r"Expected gamma to be a float, got str"),
        ({"alpha": 1.5}, ValueError, r"Expected a float alpha in \[0, 1\], got 1.5"),
        ({"alpha": "0.5"}, TypeError, r"Expected alpha to be a float, a tensor or None, got str"),
        ({"alpha": torch.ones(2, 2)}, ValueError, r"Expected alpha of shape \(C,\), got \(2, 2\)"),
        ({"reduction": "avg"}, ValueError, r"Expected reduction to be one of .*, got 'avg'"),
        ({"ignore_index": 1.0}, TypeError, r"Expected ignore_index to be an int, got float"),
    ],
)
def test_module_checks_its_settings(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        FocalLoss(**kwargs)


# Errors of the function


def error_cases() -> list[Any]:
    x = torch.zeros(2, 3, 4)
    t = torch.zeros(2, 4, dtype=torch.long)
    return [
        ((x.long(), t), {}, TypeError, r"Expected logits of a floating dtype, got torch.int64"),
        (
            (x, t.float()),
            {},
            TypeError,
            r"Expected target of an integer dtype .*, got torch.float32",
        ),
        ((x, t.bool()), {}, TypeError, r"Expected target of an integer dtype .*, got torch.bool"),
        ((x.numpy(), t), {}, TypeError, r"Expected logits to be a torch.Tensor, got ndarray"),
        ((x, [0, 1]), {}, TypeError, r"Expected target to be a torch.Tensor, got list"),
        (
            (torch.zeros(3), t),
            {},
            ValueError,
            r"Expected logits of shape \(N, C, \*\) with C >= 1, got \(3,\)",
        ),
        (
            (torch.zeros(2, 0, 4), t),
            {},
            ValueError,
            r"Expected logits of shape \(N, C, \*\) with C >= 1",
        ),
        (
            (x, t[:, :3]),
            {},
            ValueError,
            r"Expected target of shape \(N, \*\) = \(2, 4\) .*, got \(2, 3\)",
        ),
        (
            (x, t[None]),
            {},
            ValueError,
            r"Expected target of shape \(N, \*\) = \(2, 4\) .*, got \(1, 2, 4\)",
        ),
        (
            (x, t + 3),
            {},
            ValueError,
            r"Expected target values in \[0, 3\) or ignore_index -100, got 3",
        ),
        (
            (x, t - 1),
            {},
            ValueError,
            r"Expected target values in \[0, 3\) or ignore_index -100, got -1",
        ),
        ((x, t - 1), {"ignore_index": -2}, ValueError, r"ignore_index -2, got -1"),
        ((x, t), {"gamma": -0.5}, ValueError, r"Expected a finite gamma >= 0, got -0.5"),
        ((x, t), {"gamma": float("nan")}, ValueError, r"Expected a finite gamma >= 0, got nan"),
        ((x, t), {"gamma": True}, TypeError, r"Expected gamma to be a float, got bool"),
        ((x, t), {"alpha": -0.1}, ValueError, r"Expected a float alpha in \[0, 1\], got -0.1"),
        (
            (x, t),
            {"alpha": torch.ones(4)},
            ValueError,
            r"Expected alpha of shape \(C,\) = \(3,\), got \(4,\)",
        ),
        (
            (x, t),
            {"alpha": torch.ones(3, dtype=torch.complex64)},
            TypeError,
            r"Expected alpha of a real dtype",
        ),
        (
            (x, t),
            {"alpha": torch.ones(3, device="meta")},
            ValueError,
            r"Expected alpha on the device of logits \(cpu\), got meta",
        ),
        (
            (x, t),
            {"reduction": "mean "},
            ValueError,
            r"Expected reduction to be one of \('none', 'mean', 'sum'\), got 'mean '",
        ),
        (
            (x, t),
            {"ignore_index": None},
            TypeError,
            r"Expected ignore_index to be an int, got NoneType",
        ),
        (
            (x, t.to("meta")),
            {},
            ValueError,
            r"Expected target on the device of logits \(cpu\), got meta",
        ),
    ]


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), error_cases())
def test_errors(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        focal_loss(*args, **kwargs)


@pytest.mark.cuda
def test_target_on_another_device(cuda: torch.device) -> None:
    logits, target = make_inputs((2, 3, 4), cuda)
    with pytest.raises(
        ValueError, match=r"Expected target on the device of logits \(cuda:0\), got cpu"
    ):
        focal_loss(logits, target.cpu())
    with pytest.raises(
        ValueError, match=r"Expected alpha on the device of logits \(cuda:0\), got cpu"
    ):
        focal_loss(logits, target, alpha=torch.ones(3))


def test_target_out_of_range_on_device(device: torch.device) -> None:
    logits, target = make_inputs((2, 3, 4), device)
    target[1, 2] = 7
    with pytest.raises(
        ValueError, match=r"Expected target values in \[0, 3\) or ignore_index -100, got 7"
    ):
        focal_loss(logits, target)
