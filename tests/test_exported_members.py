"""`ptnotes.__all__` is exactly the public surface of the package (httpx style)."""

from __future__ import annotations

import importlib
import inspect

import ptnotes

MODULES = ["convert", "device", "layers", "losses", "modules", "printing", "seed", "summary"]

EXPECTED = [
    "FocalLoss",
    "LearnableScale",
    "RunningMean",
    "__version__",
    "autocast_device_type",
    "available_devices",
    "conv_bn_relu",
    "count_agreement",
    "focal_loss",
    "full_printing",
    "pick_device",
    "seed_everything",
    "summarize",
    "to_numpy",
    "to_tensor",
]


def test_all_is_pinned() -> None:
    assert ptnotes.__all__ == EXPECTED


def test_all_imports_are_exported() -> None:
    included_private_members = ["__version__"]
    public = [
        name
        for name, value in vars(ptnotes).items()
        if (not name.startswith("_") or name in included_private_members)
        and not inspect.ismodule(value)
    ]
    assert sorted(ptnotes.__all__) == sorted(public)
    assert len(set(ptnotes.__all__)) == len(ptnotes.__all__)


def test_every_module_member_is_reexported() -> None:
    from_modules = []
    for name in MODULES:
        module = importlib.import_module(f"ptnotes.{name}")
        for member in module.__all__:
            assert getattr(module, member).__module__ == module.__name__
            assert getattr(ptnotes, member) is getattr(module, member)
        from_modules += module.__all__
    assert sorted(from_modules) == sorted(set(EXPECTED) - {"__version__"})


def test_version_is_a_string() -> None:
    assert isinstance(ptnotes.__version__, str)
    assert ptnotes.__version__.count(".") == 2
