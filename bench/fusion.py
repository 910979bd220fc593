#!/usr/bin/python3
"""Is HFTA-style fusion of learning-rate variants faster on this machine?

Two trials that differ only in learning rate train the same blocks on the same
batches. Fused, their blocks become one model whose convolutions are grouped
(groups = 2, the variants' filters side by side; the first trained convolution
would be one dense convolution with both filter sets stacked, which costs the
same as two). This times one forward and backward pass of a resnet10 stage at
each of the default study's shapes (width 16, 28x28 input, batch 64): two
separate stages against one fused stage, medians over repetitions, alternated
so both see the same load. A ratio below 1 means fusion saves time.

    /usr/bin/python3 bench/fusion.py --threads 1
    /usr/bin/python3 bench/fusion.py --threads 2 --precision bf16

With --precision bf16 (or fp16, CUDA only) both sides run under autocast, as a
trial with that "precision" does (on a CPU, bf16 needs avx512_bf16, else oneDNN
takes a slow path). --device cuda:0 times the same on a GPU (the device
synchronised around every pass); scripts/gpu-check.sh runs it there.
"""
import argparse
import contextlib
import statistics
import time

import torch

SHAPES = ((16, 28), (32, 14), (64, 7), (128, 4))  # channels, height = width, per stage


def stage(channels, groups=1):
    width = channels * groups
    return torch.nn.Sequential(
        torch.nn.Conv2d(width, width, 3, padding=1, bias=False, groups=groups),
        torch.nn.BatchNorm2d(width), torch.nn.ReLU(),
        torch.nn.Conv2d(width, width, 3, padding=1, bias=False, groups=groups),
        torch.nn.BatchNorm2d(width), torch.nn.ReLU())


def median_ms(step, reps, device):
    times = []
    for _ in range(reps):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def compare(channels, size, batch, reps, precision, device):
    x = torch.randn(batch, channels, size, size, device=device)
    a, b = stage(channels).to(device), stage(channels).to(device)
    fused = stage(channels, groups=2).to(device)
    both = torch.cat([x, x], 1)

    def autocast():
        if precision == "fp32":
            return contextlib.nullcontext()
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        return torch.autocast(device.type, dtype=dtype)

    def separate():
        with autocast():
            loss = a(x).float().sum() + b(x).float().sum()
        loss.backward()

    def together():
        with autocast():
            loss = fused(both).float().sum()
        loss.backward()

    separate(), together()  # warm-up: oneDNN builds its kernels once
    times = {"separate": [], "fused": []}
    for _ in range(reps):  # alternated, so both see the same machine
        times["separate"].append(median_ms(separate, 1, device))
        times["fused"].append(median_ms(together, 1, device))
    return statistics.median(times["separate"]), statistics.median(times["fused"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--precision", choices=("fp32", "bf16", "fp16"), default="fp32")
    parser.add_argument("--device", default="cpu", help="cpu or cuda:N")
    args = parser.parse_args()
    device = torch.device(args.device)
    if args.precision == "fp16" and device.type != "cuda":
        parser.error("fp16 autocast is for CUDA devices")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else \
        f"cpu, {args.threads} thread(s)"
    print(f"torch {torch.__version__}, {where}, batch {args.batch}, "
          f"{args.precision}, median of {args.reps}")
    print("| stage | two models, ms | fused, ms | fused / separate |")
    print("| --- | ---: | ---: | ---: |")
    for channels, size in SHAPES:
        separate, fused = compare(channels, size, args.batch, args.reps, args.precision, device)
        print(f"| {channels} ch, {size}x{size} | {separate:.2f} | {fused:.2f} | "
              f"{fused / separate:.2f} |", flush=True)


if __name__ == "__main__":
    main()
