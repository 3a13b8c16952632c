"""Benchmark `ptnotes.focal_loss` forward + backward against kornia and the note's route.

Three ways to compute the same multi-class focal loss (`gamma=2`, `alpha=0.25`,
`reduction="mean"`) of float32 logits `(N, C, H, W)` at a segmentation size:

* `ptnotes`: `ptnotes.focal_loss`;
* `kornia`: `kornia.losses.focal_loss`, the reference;
* `note`: the note's route, `softmax(logits, 1).gather(1, target)` and then `log`.

For each, one measured call is the forward and `backward()` of the loss, from logits that
require grad (their `.grad` reset to `None` first, so the gradient buffer is allocated in
every call, as in training).

Time: the median over `--repeats` calls after `--warmup` calls, the methods interleaved
round by round so that drift of the machine (frequency, other load) hits them alike. CUDA
calls are synchronized before the clock is read.

Peak memory: the extra memory at the high-water mark of one call, beyond the inputs.

* On CUDA, `torch.cuda.max_memory_allocated()` after `reset_peak_memory_stats()`, minus
  the memory allocated before the call: the exact peak of the caching allocator.
* On the CPU, PyTorch keeps no allocator statistics, so the resident set size (RSS) of
  a fresh subprocess per method is measured. The subprocess creates the inputs, warms up
  on a tiny input (lazy initialisation, thread pools), hands freed heap memory back to the
  OS (`malloc_trim`, so that the call cannot hide its needs in memory freed earlier), resets
  the kernel's RSS high-water mark (`/proc/self/clear_refs`, Linux), runs one full-size call
  and reports `VmHWM` minus the `VmRSS` before the call: the memory the call needed on top
  of what the process held, that is gradient, saved tensors and temporaries. Elsewhere it
  falls back to the growth of `ru_maxrss`, a lower bound. The median of `--memory-runs`
  subprocesses is reported; the resolution is a page.

Run:

    python benchmarks/bench_focal_loss.py                 # device by ptnotes.pick_device
    python benchmarks/bench_focal_loss.py --device cpu
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from kornia.losses import focal_loss as kornia_focal_loss

from ptnotes import focal_loss, pick_device

GAMMA = 2.0
ALPHA = 0.25
METHODS = ("ptnotes", "kornia", "note")


def note_focal_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The note's route: softmax, gather the target class, then log."""
    probs = F.softmax(logits, dim=1)
    p_t = probs.gather(1, target.unsqueeze(1)).squeeze(1)
    alpha_t = torch.where(target == 0, 1.0 - ALPHA, ALPHA)
    return (-alpha_t * (1.0 - p_t) ** GAMMA * p_t.log()).mean()


def loss_fn(method: str) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if method == "ptnotes":
        return lambda x, t: focal_loss(x, t, gamma=GAMMA, alpha=ALPHA)
    if method == "kornia":
        return lambda x, t: kornia_focal_loss(x, t, alpha=ALPHA, gamma=GAMMA, reduction="mean")
    if method == "note":
        return note_focal_loss
    raise ValueError(f"Expected a method in {METHODS}, got {method!r}")


def make_inputs(
    args: argparse.Namespace, device: torch.device, size: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    side = args.size if size is None else size
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(args.n, args.c, side, side, generator=generator).to(device)
    target = torch.randint(0, args.c, (args.n, side, side), generator=generator).to(device)
    return logits.requires_grad_(), target


def step(
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    logits: torch.Tensor,
    target: torch.Tensor,
) -> None:
    logits.grad = None
    fn(logits, target).backward()  # type: ignore[no-untyped-call]


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_methods(args: argparse.Namespace, device: torch.device) -> dict[str, float]:
    logits, target = make_inputs(args, device)
    fns = {m: loss_fn(m) for m in METHODS}
    for fn in fns.values():
        for _ in range(args.warmup):
            step(fn, logits, target)
    times: dict[str, list[float]] = {m: [] for m in METHODS}
    for _ in range(args.repeats):
        for method, fn in fns.items():
            sync(device)
            start = time.perf_counter()
            step(fn, logits, target)
            sync(device)
            times[method].append(time.perf_counter() - start)
    return {m: statistics.median(v) * 1e3 for m, v in times.items()}


def cuda_peak_mib(args: argparse.Namespace, device: torch.device, method: str) -> float:
    logits, target = make_inputs(args, device)
    fn = loss_fn(method)
    step(fn, logits, target)  # warm up; its gradient is freed by the next step
    logits.grad = None
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    step(fn, logits, target)
    torch.cuda.synchronize(device)
    return (torch.cuda.max_memory_allocated(device) - before) / 2**20


def _proc_status_bytes(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # reported in kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def cpu_peak_child(args: argparse.Namespace) -> None:
    """In a fresh process: the growth of the peak RSS over one full-size call."""
    device = torch.device("cpu")
    fn = loss_fn(args.memory_child)
    tiny_logits, tiny_target = make_inputs(args, device, size=4)
    for _ in range(3):
        step(fn, tiny_logits, tiny_target)
    logits, target = make_inputs(args, device)
    gc.collect()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # reset VmHWM to the current RSS
        before = _proc_status_bytes("VmRSS")
        step(fn, logits, target)
        peak = _proc_status_bytes("VmHWM") - before
    else:
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
        step(fn, logits, target)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale - before
    print(json.dumps({"peak_bytes": peak}))


def cpu_peak_mib(args: argparse.Namespace, method: str) -> float:
    command = [
        sys.executable,
        __file__,
        "--device=cpu",
        f"--n={args.n}",
        f"--c={args.c}",
        f"--size={args.size}",
        f"--threads={torch.get_num_threads()}",
        f"--memory-child={method}",
    ]
    peaks: list[int] = []
    for _ in range(args.memory_runs):
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        peaks.append(int(json.loads(out.strip().splitlines()[-1])["peak_bytes"]))
    return statistics.median(peaks) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="default: ptnotes.pick_device()")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--c", type=int, default=19)
    parser.add_argument("--size", type=int, default=128, help="height and width")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--memory-runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    parser.add_argument("--memory-child", choices=METHODS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if args.memory_child is not None:
        cpu_peak_child(args)
        return

    device = pick_device(args.device)
    times = time_methods(args, device)
    peaks = {
        m: cuda_peak_mib(args, device, m) if device.type == "cuda" else cpu_peak_mib(args, m)
        for m in METHODS
    }
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(
        f"focal loss fwd+bwd, logits ({args.n}, {args.c}, {args.size}, {args.size}) float32, "
        f"device {device} ({name}), torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads, median of {args.repeats}"
    )
    header = f"{'method':<8} {'median ms':>10} {'x kornia':>9} {'peak MiB':>9} {'x kornia':>9}"
    print(header)
    print("-" * len(header))
    for m in METHODS:
        print(
            f"{m:<8} {times[m]:>10.2f} {times[m] / times['kornia']:>9.2f} "
            f"{peaks[m]:>9.1f} {peaks[m] / peaks['kornia']:>9.2f}"
        )


if __name__ == "__main__":
    main()
