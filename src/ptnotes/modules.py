"""Example modules from [Advanced Topics][advanced-topics]: a parameter, a buffer, train/eval."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ptnotes.device import pick_device

__all__ = ["LearnableScale", "RunningMean"]


class LearnableScale(nn.Module):
    """Multiply the input by a learnable vector: the note's `MyModule`.

    Wrapping a tensor in `nn.Parameter` registers it in the module's `parameters()`, so an
    optimiser updates it and autograd computes its gradient
    ([the note][to-make-variables-learnable-parameters]).

    Shape:
        - Input: `(*, F)` (or any shape that broadcasts with `(F,)`).
        - Output: the broadcast shape, `(*, F)`.

    Args:
        initial: The initial values of the scale, `F` numbers (the note uses `[1, 2, 3]`).
        device: Where to create the parameter; `None` picks one by the rule of
            [`pick_device`][ptnotes.device.pick_device].
        dtype: The dtype of the parameter; `None` means the default dtype.

    Raises:
        TypeError: If `initial` is not a sequence of numbers or a tensor.
        ValueError: If `initial` is empty or not one-dimensional.

    !!! example
        ```python
        import torch
        from ptnotes import LearnableScale

        m = LearnableScale([1.0, 2.0, 3.0], device="cpu")
        assert [name for name, _ in m.named_parameters()] == ["scale"]
        y = m(torch.tensor([1.0, 2.0, 3.0]))
        assert y.tolist() == [1.0, 4.0, 9.0]
        y.sum().backward()
        assert m.scale.grad.tolist() == [1.0, 2.0, 3.0]
        ```
    """

    def __init__(  # noqa: D107 - documented in the class docstring
        self,
        initial: Sequence[float] | torch.Tensor,
        *,
        device: str | torch.device | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        try:
            values = torch.as_tensor(initial, dtype=dtype or torch.get_default_dtype())
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(
                f"Expected initial to be a sequence of numbers or a tensor, got {initial!r}"
            ) from None
        if values.dim() != 1 or values.numel() == 0:
            raise ValueError(
                f"Expected initial of shape (F,) with F >= 1, got {tuple(values.shape)}"
            )
        self.scale = nn.Parameter(values.detach().clone().to(pick_device(device)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scale `x` by the learnable vector.

        Args:
            x: The input `(*, F)`.

        Returns:
            `x * scale`.
        """
        return x * self.scale


class RunningMean(nn.Module):
    """Centre features, with a running mean kept in a registered buffer.

    The three lessons of [Advanced Topics][advanced-topics] in one module:

    - `forward` branches on `self.training`
      ([the note][in-a-custom-module-write-code-for-training-mode-and-eval-mode]): in
      training mode it subtracts the batch mean and updates the running mean; in eval mode
      it subtracts the running mean and updates nothing.
    - The running mean is a buffer ([the note][register-buffers]), created with
      `register_buffer('running_mean', torch.zeros(num_features))` as in the note: it is
      not a parameter (no gradient, not seen by an optimiser), it is saved in and loaded
      from the `state_dict`, and `.to()` moves it with the module.
    - Its update is an exponential moving average, as in batch norm:
      `running_mean = (1 - momentum) * running_mean + momentum * batch_mean`.

    Shape:
        - Input: `(N, F)` or `(N, F, *)`; the mean is over every dimension but `F`.
        - Output: the same shape.

    Args:
        num_features: `F`, the number of features (channels).
        momentum: The weight of the new batch mean in the update, in `(0, 1]`.
        device: Where to create the buffer; `None` picks one by the rule of
            [`pick_device`][ptnotes.device.pick_device].
        dtype: The dtype of the buffer; `None` means the default dtype.

    Raises:
        TypeError: If `num_features` is not an int or `momentum` not a float.
        ValueError: If `num_features < 1` or `momentum` is outside `(0, 1]`.

    !!! example
        ```python
        import torch
        from ptnotes import RunningMean

        layer = RunningMean(2, momentum=0.5, device="cpu")
        x = torch.tensor([[1.0, 10.0], [3.0, 30.0]])
        layer.train()
        assert layer(x).tolist() == [[-1.0, -10.0], [1.0, 10.0]]  # batch mean (2, 20)
        assert layer.running_mean.tolist() == [1.0, 10.0]  # 0.5 * 0 + 0.5 * (2, 20)
        layer.eval()
        assert layer(x).tolist() == [[0.0, 0.0], [2.0, 20.0]]  # running mean, not updated
        assert layer.running_mean.tolist() == [1.0, 10.0]
        assert list(layer.parameters()) == [] and "running_mean" in layer.state_dict()
        ```
    """

    running_mean: torch.Tensor

    def __init__(  # noqa: D107 - documented in the class docstring
        self,
        num_features: int,
        *,
        momentum: float = 0.1,
        device: str | torch.device | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, int):
            raise TypeError(
                f"Expected num_features to be an int, got {type(num_features).__name__}"
            )
        if num_features < 1:
            raise ValueError(f"Expected num_features >= 1, got {num_features}")
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)):
            raise TypeError(f"Expected momentum to be a float, got {type(momentum).__name__}")
        if not 0 < momentum <= 1:
            raise ValueError(f"Expected momentum in (0, 1], got {momentum}")
        self.num_features = num_features
        self.momentum = float(momentum)
        self.register_buffer(
            "running_mean", torch.zeros(num_features, device=pick_device(device), dtype=dtype)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Subtract the batch mean (training) or the running mean (eval).

        Args:
            x: The input `(N, F)` or `(N, F, *)`.

        Returns:
            The centred input, of the same shape.

        Raises:
            ValueError: If `x` is not of shape `(N, F, *)`, is empty in training mode, or
                is not on the device of the buffer.
        """
        if x.dim() < 2 or x.shape[1] != self.num_features:
            raise ValueError(
                f"Expected input of shape (N, {self.num_features}, *), got {tuple(x.shape)}"
            )
        if x.device != self.running_mean.device:
            raise ValueError(
                f"Expected input on the device of the module ({self.running_mean.device}), "
                f"got {x.device}"
            )
        shape = (1, self.num_features) + (1,) * (x.dim() - 2)
        if self.training:
            if x.numel() == 0:
                raise ValueError(
                    f"Expected a non-empty batch in training mode, got {tuple(x.shape)}"
                )
            dims = [0, *range(2, x.dim())]
            batch_mean = x.mean(dim=dims)
            with torch.no_grad():
                self.running_mean.lerp_(batch_mean.to(self.running_mean.dtype), self.momentum)
            return x - batch_mean.view(shape)
        return x - self.running_mean.view(shape)

    def extra_repr(self) -> str:
        """Show the settings in the module's repr."""
        return f"{self.num_features}, momentum={self.momentum}"
