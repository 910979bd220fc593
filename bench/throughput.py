#!/usr/bin/env python3
"""Training images per second of a lean PyTorch loop, per depth and precision: the
Python side of bench/throughput (sweep's own loop), for the GPU table and its CPU
dry run (scripts/gpu-check.sh).

The same model as the study references (study_model.ResNet with a new head, the
first blocks frozen and run under no_grad), synthetic images of the study's
shape, SGD with momentum, batches indexed from one randperm per epoch, autocast
to bf16 or fp16 (fp16 with a GradScaler) and the loss in fp32. One untimed
warm-up epoch, then --epochs timed ones; the row is the median epoch. Prints one
Markdown row per (depth, precision):
    | PyTorch | DEVICE | DEPTH | PRECISION | IMAGES/S | PEAK MiB |

    python3 bench/throughput.py --device cuda:0
"""
import argparse
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study_model import ResNet, TransferModel  # noqa: E402

DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def epoch(model, optimizer, scaler, images, labels, batch, device, dtype):
    model.train()
    for idx in torch.randperm(len(labels), device=device).split(batch):
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            out = model(images[idx])
        loss = F.cross_entropy(out.float(), labels[idx])
        optimizer.zero_grad(set_to_none=True)
        if scaler is None:
            loss.backward()
            optimizer.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
    synchronize(device)


def peak_mib(device):
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def images_per_second(args, device, unfrozen, name):
    torch.manual_seed(0)
    backbone = ResNet(args.arch, args.width, 1)
    model = TransferModel(backbone, 10, unfrozen).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=0.01, momentum=0.9)
    scaler = None
    if name == "fp16":  # torch.amp.GradScaler from 2.3 on; torch.cuda.amp's is deprecated there
        scaler = (torch.amp.GradScaler("cuda") if hasattr(torch.amp, "GradScaler")
                  else torch.cuda.amp.GradScaler())
    images = torch.randn(args.images, 1, args.size, args.size, device=device)
    labels = torch.randint(10, (args.images,), device=device)
    seconds = []
    for e in range(args.epochs + 1):
        start = time.perf_counter()
        epoch(model, optimizer, scaler, images, labels, args.batch, device, DTYPES[name])
        if e > 0:  # epoch 0 warms up
            seconds.append(time.perf_counter() - start)
    return args.images / statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", help="cpu or cuda:N")
    parser.add_argument("--arch", default="resnet10")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--size", type=int, default=28, help="image side (one channel)")
    parser.add_argument("--images", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--depths", default="0,2,all")
    parser.add_argument("--precisions", default="fp32,bf16,fp16")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    blocks = len(ResNet(args.arch, args.width, 1).blocks())
    for depth in args.depths.split(","):
        unfrozen = blocks if depth == "all" else int(depth)
        # The row's label as sweep names the depth (depth_name in core/strategy.h).
        label = ("head-only" if unfrozen == 0 else
                 f"{unfrozen} (all) blocks" if unfrozen == blocks else
                 f"{unfrozen} block" if unfrozen == 1 else f"{unfrozen} blocks")
        for name in args.precisions.split(","):
            if name not in DTYPES:
                sys.exit(f"throughput.py: --precisions: {name!r} is not one of fp32, bf16, fp16")
            if name == "fp16" and device.type != "cuda":
                print(f"| PyTorch | {args.device} | {label} | {name} | not run: fp16 autocast "
                      "is for CUDA | |", flush=True)
                continue
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            rate = images_per_second(args, device, unfrozen, name)
            print(f"| PyTorch | {args.device} | {label} | {name} | {rate:.0f} | "
                  f"{peak_mib(device):.0f} |", flush=True)


if __name__ == "__main__":
    main()
