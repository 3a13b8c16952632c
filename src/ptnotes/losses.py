"""Focal loss, from the note's `softmax` + `gather` lesson, made numerically safe.

The note computes `#!python softmax(logits, dim=1).gather(1, targets.unsqueeze(1))` and a
focal loss would then take its `log` ([the note][neural-network-model-components]). For a
logit gap of a few hundred the softmax of the target class rounds to 0, its log is `-inf`
and the loss `inf` (its gradient NaN). Here the target log-probability is computed
directly, as `log_softmax` + `gather` would give it, and stays finite.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

__all__ = ["FocalLoss", "focal_loss"]

_REDUCTIONS = ("none", "mean", "sum")


def _focal_weight(log_prob: torch.Tensor, gamma: float) -> torch.Tensor:
    """`(1 - p) ** gamma` from `log(p)`, and 0 without a gradient where `1 - p` is 0.

    `1 - p` is `-expm1(log(p))`, accurate when `p` is close to 1. For `gamma < 1` the
    derivative of `(1 - p) ** gamma` is infinite at `p = 1`, while that of the loss term
    `(1 - p) ** gamma * log(p)` is 0 there: saturated positions pass no gradient.
    """
    base = -torch.expm1(log_prob)
    saturated = base <= 0
    return base.masked_fill(saturated, 1.0).pow(gamma).masked_fill(saturated, 0.0)


def _focal_terms(
    logits: torch.Tensor,
    index: torch.Tensor,
    scale: torch.Tensor,
    gamma: float,
    valid: torch.Tensor | None = None,
) -> torch.Tensor:
    """The loss of each position `(N, *)` with plain autograd operations.

    `scale` `(N, *)` is `alpha_t`, 0 at ignored positions; `valid` marks the positions
    that are not ignored (default: `scale != 0`). Used where the custom function is not
    (half precision, a learnable `alpha`, functorch transforms, forward-mode AD) and to
    differentiate twice.
    """
    dtype = torch.promote_types(logits.dtype, torch.float32)
    log_prob = torch.log_softmax(logits, 1, dtype=dtype).gather(1, index).squeeze(1)
    terms = -log_prob if gamma == 0 else -_focal_weight(log_prob, gamma) * log_prob
    return torch.where(scale != 0 if valid is None else valid, terms * scale, 0.0)


def _terms_and_derivative(
    log_prob: torch.Tensor, scale: torch.Tensor, gamma: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """The loss terms `-scale * w * log(p)`, `w = (1 - p) ** gamma`, and their derivative.

    The derivative in `log(p)` is `-scale * w * (1 - gamma * p * log(p) / (1 - p))`: the
    ratio `log(p) / (1 - p)` stays finite as `p` goes to 1, unlike `(1 - p) ** (gamma - 1)`.
    Where `1 - p` is exactly 0, `w` and the derivative are 0 (see `_focal_weight`).
    """
    neg_scale = scale.neg()
    if gamma == 0:
        return log_prob * neg_scale, neg_scale
    base = torch.expm1(log_prob).neg_()
    saturated = base <= 0
    base.masked_fill_(saturated, 1.0)
    ratio = log_prob / base
    weight = base.pow_(gamma).masked_fill_(saturated, 0.0).mul_(neg_scale)
    terms = log_prob * weight
    derivative = ratio.mul_(log_prob.exp()).mul_(-gamma).add_(1.0).mul_(weight)
    return terms, derivative


class _FocalTerms(torch.autograd.Function):
    """The loss of each position `(N, *)`, saving no full-size tensor for the backward.

    Through autograd, `log_softmax` saves its full-size output for the backward, the
    backward of `gather` allocates a full-size gradient and that of `log_softmax` another,
    and each elementwise step of the focal term saves its inputs. Here the forward's
    `log_softmax` is a temporary, freed before the backward; what is saved is the
    input (which autograd holds anyway), the index, the scale and the derivative of the
    terms in the target log-probability, computed in closed form in the forward. The
    backward writes `(onehot(index) - softmax(logits)) * derivative * grad` in place into
    the one full-size buffer that becomes the gradient. Ignored positions (scale 0) have
    loss and gradient 0, even where their logits are infinite.
    """

    @staticmethod
    def forward(
        ctx: Any,
        logits: torch.Tensor,
        index: torch.Tensor,
        scale: torch.Tensor,
        gamma: float,
        any_ignored: bool,
    ) -> torch.Tensor:
        log_prob = torch.log_softmax(logits, 1).gather(1, index).squeeze(1)
        terms, derivative = _terms_and_derivative(log_prob, scale, gamma)
        if any_ignored:  # 0, not NaN, where an ignored position has an infinite logit
            ignored = scale == 0
            terms.masked_fill_(ignored, 0.0)
            derivative.masked_fill_(ignored, 0.0)
        ctx.gamma, ctx.any_ignored = gamma, any_ignored
        ctx.save_for_backward(logits, index, scale, derivative)
        return terms

    @staticmethod
    def backward(
        ctx: Any, grad_terms: torch.Tensor
    ) -> tuple[torch.Tensor | None, None, None, None, None]:
        logits, index, scale, derivative = ctx.saved_tensors
        if not ctx.needs_input_grad[0]:
            return None, None, None, None, None
        if torch.is_grad_enabled():
            # Differentiating twice: the gradient of the plain-autograd version, with its graph.
            terms = _focal_terms(logits, index, scale, ctx.gamma)
            (grad,) = torch.autograd.grad(terms, logits, grad_terms, create_graph=True)
            return grad, None, None, None, None
        factor = (derivative * grad_terms).unsqueeze(1)
        grad = torch.softmax(logits, 1)
        grad.mul_(factor.neg()).scatter_add_(1, index, factor)
        if ctx.any_ignored:
            grad.masked_fill_((derivative == 0).unsqueeze(1), 0.0)
        return grad, None, None, None, None


def _fast_path(logits: torch.Tensor) -> bool:
    """Whether `_FocalTerms` may compute the loss of `logits`."""
    functorch_active = getattr(torch._C, "_are_functorch_transforms_active", lambda: False)
    return (
        logits.dtype in (torch.float32, torch.float64)
        and not functorch_active()
        and torch.autograd.forward_ad.unpack_dual(logits).tangent is None  # type: ignore[no-untyped-call]
    )


def _check_settings(
    gamma: float,
    alpha: float | torch.Tensor | None,
    reduction: str,
    ignore_index: int,
) -> None:
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)):
        raise TypeError(f"Expected gamma to be a float, got {type(gamma).__name__}")
    if not (math.isfinite(gamma) and gamma >= 0):
        raise ValueError(f"Expected a finite gamma >= 0, got {gamma}")
    if isinstance(alpha, torch.Tensor):
        if alpha.dim() != 1:
            raise ValueError(f"Expected alpha of shape (C,), got {tuple(alpha.shape)}")
        if alpha.is_complex() or alpha.dtype == torch.bool:
            raise TypeError(f"Expected alpha of a real dtype, got {alpha.dtype}")
    elif alpha is not None:
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
            raise TypeError(
                f"Expected alpha to be a float, a tensor or None, got {type(alpha).__name__}"
            )
        if not 0 <= alpha <= 1:
            raise ValueError(f"Expected a float alpha in [0, 1], got {alpha}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Expected reduction to be one of {_REDUCTIONS}, got {reduction!r}")
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, int):
        raise TypeError(f"Expected ignore_index to be an int, got {type(ignore_index).__name__}")


def _check_tensors(
    logits: torch.Tensor, target: torch.Tensor, alpha: float | torch.Tensor | None
) -> None:
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"Expected logits to be a torch.Tensor, got {type(logits).__name__}")
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"Expected target to be a torch.Tensor, got {type(target).__name__}")
    if not logits.is_floating_point():
        raise TypeError(f"Expected logits of a floating dtype, got {logits.dtype}")
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(
            f"Expected target of an integer dtype (class indices, int64), got {target.dtype}"
        )
    if logits.dim() < 2 or logits.shape[1] < 1:
        raise ValueError(
            f"Expected logits of shape (N, C, *) with C >= 1, got {tuple(logits.shape)}"
        )
    expected = (logits.shape[0], *logits.shape[2:])
    if tuple(target.shape) != expected:
        raise ValueError(
            f"Expected target of shape (N, *) = {expected} for logits of shape "
            f"{tuple(logits.shape)}, got {tuple(target.shape)}"
        )
    if target.device != logits.device:
        raise ValueError(
            f"Expected target on the device of logits ({logits.device}), got {target.device}"
        )
    if isinstance(alpha, torch.Tensor):
        if tuple(alpha.shape) != (logits.shape[1],):
            raise ValueError(
                f"Expected alpha of shape (C,) = ({logits.shape[1]},), got {tuple(alpha.shape)}"
            )
        if alpha.device != logits.device:
            raise ValueError(
                f"Expected alpha on the device of logits ({logits.device}), got {alpha.device}"
            )


def focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    gamma: float = 2.0,
    alpha: float | torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
) -> torch.Tensor:
    """Multi-class focal loss of logits, computed from the target log-probability.

    For each position with target class `t`, and `p_t` the softmax probability of `t` over
    dim 1, the loss is `-alpha_t * (1 - p_t) ** gamma * log(p_t)`
    ([Lin et al., 2017](https://arxiv.org/abs/1708.02002)). `log(p_t)` comes from
    `log_softmax` + `gather` arithmetic, never from `softmax(...).log()` as in
    [the note][neural-network-model-components], so logits as large as `±1e4` give a
    finite loss and gradient. `1 - p_t` is computed as `-expm1(log(p_t))`, accurate when
    `p_t` is close to 1.

    Conventions:

    - `gamma=0, alpha=None` is `F.cross_entropy(logits, target, ignore_index=...)`, values
      and gradients, for every reduction.
    - A float `alpha` weights class 0 (the background) by `1 - alpha` and every other
      class by `alpha`, as kornia's `focal_loss` does; a tensor `alpha` of shape `(C,)`
      weights class `c` by `alpha[c]` (kornia's `weight`).
    - `"mean"` divides the sum by the number of positions whose target is not
      `ignore_index` (not by the sum of the `alpha` weights, unlike `F.cross_entropy`'s
      `weight`); if every position is ignored it is NaN, like `F.cross_entropy`. Kornia's
      `"mean"` divides by `C` times all positions instead.
    - A position whose target is `ignore_index` has loss 0 and passes no gradient.
    - On CPU and CUDA, float32 and float64 logits go through a custom autograd function
      that saves no full-size tensor for the backward (double backward is supported);
      float16 and bfloat16 logits are computed in float32 by `log_softmax` and the
      loss is returned in their dtype.

    Shape:
        - Logits: `(N, C, *)`, `C` classes, `*` any number of extra dimensions.
        - Target: `(N, *)`, class indices in `[0, C)` or `ignore_index`.
        - Output: a scalar, or `(N, *)` with `reduction="none"`.

    Args:
        logits: Unnormalised scores, of a floating dtype.
        target: Class indices, of an integer dtype (int64 is the usual one).
        gamma: The focusing parameter, finite and `>= 0`; 0 turns the focal term off.
        alpha: Class weights: `None` (all 1), a float in `[0, 1]` (see above) or a
            tensor of shape `(C,)` on the device of `logits`.
        reduction: `"none"`, `"mean"` or `"sum"`.
        ignore_index: A target value that contributes nothing to the loss.

    Returns:
        The loss, of the dtype of `logits`.

    Raises:
        TypeError: If an input has the wrong type: logits not floating, target not of an
            integer dtype, `gamma`, `alpha` or `ignore_index` of an unsupported type.
        ValueError: If a shape is wrong, a target value is out of `[0, C)` (and not
            `ignore_index`), `gamma < 0`, a float `alpha` is outside `[0, 1]`, the
            reduction is unknown, or `target` or `alpha` is not on the device of `logits`.

    !!! example
        ```python
        import torch
        import torch.nn.functional as F
        from ptnotes import focal_loss

        generator = torch.Generator().manual_seed(0)
        logits = torch.randn(2, 3, 4, 4, generator=generator)
        target = torch.randint(0, 3, (2, 4, 4), generator=generator)
        loss = focal_loss(logits, target, gamma=2.0)
        assert loss < F.cross_entropy(logits, target)  # easy examples count less
        assert torch.allclose(
            focal_loss(logits, target, gamma=0.0), F.cross_entropy(logits, target)
        )

        huge = torch.tensor([[1e4, -1e4]], requires_grad=True)  # p_t rounds to 0
        loss = focal_loss(huge, torch.tensor([1]))
        loss.backward()
        assert loss.item() == 2e4 and bool(huge.grad.isfinite().all())
        ```
    """
    _check_settings(gamma, alpha, reduction, ignore_index)
    _check_tensors(logits, target, alpha)
    num_classes = logits.shape[1]
    target = target.long()
    valid = target != ignore_index
    index = target.where(valid, 0)
    any_ignored = False
    if index.numel():
        # One device-to-host copy (a synchronisation on CUDA) checks the whole target.
        summary = torch.stack([*torch.aminmax(index), (~valid).any()])
        try:
            low, high, ignored = summary.tolist()
        except RuntimeError:
            # Under a functorch transform, torch before 2.10 gives the host no values (a
            # tensor without storage): mask as if some were ignored; `gather` checks the range.
            low, high, ignored = 0, 0, True
        any_ignored = bool(ignored)
        if low < 0 or high >= num_classes:
            bad = index[(index < 0) | (index >= num_classes)][0].item()
            raise ValueError(
                f"Expected target values in [0, {num_classes}) or ignore_index "
                f"{ignore_index}, got {bad}"
            )

    dtype = torch.promote_types(logits.dtype, torch.float32)
    if isinstance(alpha, torch.Tensor):
        scale = alpha.to(dtype)[index]
    elif alpha is not None:
        scale = torch.where(index == 0, logits.new_full((), 1.0 - alpha, dtype=dtype), alpha)
    else:
        scale = torch.ones_like(index, dtype=dtype)
    scale.masked_fill_(~valid, 0.0)
    index = index.unsqueeze(1)
    if _fast_path(logits) and not scale.requires_grad:  # a learnable alpha: plain autograd
        loss: torch.Tensor = _FocalTerms.apply(  # type: ignore[no-untyped-call]
            logits, index, scale, float(gamma), any_ignored
        )
    else:
        loss = _focal_terms(logits, index, scale, float(gamma), valid)

    if reduction == "mean":
        loss = loss.sum() / valid.sum()
    elif reduction == "sum":
        loss = loss.sum()
    return loss.to(logits.dtype)


class FocalLoss(nn.Module):
    """Focal loss as a module: a thin wrapper around [`focal_loss`][ptnotes.losses.focal_loss].

    The loss that the note's `softmax` + `gather` lesson leads to
    ([the note][neural-network-model-components]), for use as a criterion. A tensor
    `alpha` is registered as a buffer, so `.to(device)` moves it with the module
    and it is saved in the `state_dict`.

    Shape:
        - Logits: `(N, C, *)`.
        - Target: `(N, *)`.
        - Output: a scalar, or `(N, *)` with `reduction="none"`.

    Args:
        gamma: The focusing parameter, finite and `>= 0`.
        alpha: Class weights: `None`, a float in `[0, 1]` or a tensor of shape `(C,)`.
        reduction: `"none"`, `"mean"` or `"sum"`.
        ignore_index: A target value that contributes nothing to the loss.

    Raises:
        TypeError: If `gamma`, `alpha` or `ignore_index` has an unsupported type.
        ValueError: If `gamma < 0`, a float `alpha` is outside `[0, 1]` or the reduction is
            unknown; the inputs are checked by [`focal_loss`][ptnotes.losses.focal_loss].

    !!! example
        ```python
        import torch
        from ptnotes import FocalLoss, focal_loss

        torch.manual_seed(0)
        criterion = FocalLoss(gamma=2.0, alpha=torch.tensor([0.25, 1.0, 1.0]))
        logits = torch.randn(4, 3, requires_grad=True)
        target = torch.tensor([0, 1, 2, 1])
        loss = criterion(logits, target)
        loss.backward()
        assert torch.equal(loss, focal_loss(logits, target, alpha=criterion.alpha))
        assert "alpha" in criterion.state_dict()
        ```
    """

    alpha: torch.Tensor | float | None

    def __init__(  # noqa: D107 - documented in the class docstring
        self,
        *,
        gamma: float = 2.0,
        alpha: float | torch.Tensor | None = None,
        reduction: str = "mean",
        ignore_index: int = -100,
    ) -> None:
        super().__init__()
        _check_settings(gamma, alpha, reduction, ignore_index)  # now, not at the first call
        self.gamma = float(gamma)
        self.reduction = reduction
        self.ignore_index = ignore_index
        if isinstance(alpha, torch.Tensor):
            self.register_buffer("alpha", alpha.detach().clone())
        else:
            self.alpha = None if alpha is None else float(alpha)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compute [`focal_loss`][ptnotes.losses.focal_loss] with the module's settings.

        Args:
            logits: Unnormalised scores `(N, C, *)`.
            target: Class indices `(N, *)`.

        Returns:
            The loss.
        """
        return focal_loss(
            logits,
            target,
            gamma=self.gamma,
            alpha=self.alpha,
            reduction=self.reduction,
            ignore_index=self.ignore_index,
        )

    def extra_repr(self) -> str:
        """Show the settings in the module's repr."""
        alpha = "tensor" if isinstance(self.alpha, torch.Tensor) else self.alpha
        return (
            f"gamma={self.gamma}, alpha={alpha}, reduction={self.reduction!r}, "
            f"ignore_index={self.ignore_index}"
        )
