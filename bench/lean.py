#!/usr/bin/python3
"""The default study as a careful PyTorch user writes a lean loop, pretraining included.

Reads what bench/export_study wrote (manifest.json, .npy arrays; --no-pretrain is
enough). First pretrains each built-in backbone itself, from the images sweep
pretrains on, with the sweep file's pretraining recipe (SGD with momentum, cosine
per step, its lr, batch size, epochs and weight decay; input normalised with the
source images' per-channel mean and standard deviation), timed on its own, and
measures its source accuracy. Then runs every trial of the grid in sweep's order
from those weights.

Lean means: whole splits as tensors in memory, each batch indexed with a slice of
one torch.randperm per epoch (no DataLoader, no TensorDataset), the learning rate
set on the param group each step, frozen blocks with requires_grad False run
under no_grad with their BatchNorm in eval, augmentation (when the recipe
has it) drawn afresh for every batch (a recipe's augment_views, sweep's cache of
fixed views, is what the loop is measured against, so it is not copied here), no
validation during training:
validation accuracy (to choose the learning rate) and test accuracy once at the
end. Head-only trials are the same linear probe as sweep's and reference.py's:
each split's features once under no_grad, standardised with the training split's
statistics, the head trained for probe_epochs on them. A trial whose recipe
says "precision": "bf16" trains and is evaluated under CPU autocast to bf16, as
sweep's do; probes and pretraining stay fp32 on both sides. The model, data loading
and evaluation are reference.py's (bench/study_model.py).

    python3 bench/lean.py EXPORT_DIR --threads 2 --out lean.json
    python3 bench/lean.py EXPORT_DIR --threads 2 --pretrained   # the export's weights
"""
import contextlib
import time

import torch
import torch.nn.functional as F

import study_model
from study_model import (ResNet, TransferModel, arguments, begin, evaluate, exported_input,
                         finish, load_npy, load_split, pixel_statistics, run_grid, scheduled_lr)

PROGRAM = "lean.py"


def augment(x, kind):
    """sweep's augmentation of a batch (experiments/train/augment.cpp), as a user
    writes it: each image shifted by up to max(1, H/8) pixels each way, the border
    zero (the mean colour after normalisation), "crop-flip" mirroring half of them
    first. Drawn afresh every step, so frozen blocks run on every step's pixels."""
    if kind == "none":
        return x
    pad = max(1, x.shape[2] // 8)
    height, width = x.shape[2], x.shape[3]
    padded = F.pad(x, (pad, pad, pad, pad))
    shifts = torch.randint(0, 2 * pad + 1, (len(x), 2)).tolist()
    flips = torch.randint(0, 2, (len(x),)).tolist() if kind == "crop-flip" else [0] * len(x)
    out = []
    for image, (dy, dx), flip in zip(padded, shifts, flips):
        if flip:
            image = image.flip(-1)
        out.append(image[:, dy:dy + height, dx:dx + width])
    return torch.stack(out)


def fit(model, params, images, labels, recipe, lr, epochs, arithmetic=contextlib.nullcontext,
        augmentation="none"):
    """SGD with momentum and weight decay, sweep's cosine schedule per step, each
    forward pass under `arithmetic()`, each batch augmented with `augmentation`.
    True when the loss diverged (checked once per epoch)."""
    optimizer = torch.optim.SGD(params, lr=lr, momentum=recipe["momentum"],
                                weight_decay=recipe["weight_decay"])
    group = optimizer.param_groups[0]
    n = len(labels)
    batch = min(recipe["batch_size"], n)
    total_steps = (n + batch - 1) // batch * epochs
    step = 0
    for _ in range(epochs):
        model.train()
        loss_sum = torch.zeros(())
        for idx in torch.randperm(n).split(batch):
            group["lr"] = scheduled_lr(lr, step, total_steps)
            x = augment(images[idx], augmentation)
            with arithmetic():
                out = model(x)
            loss = F.cross_entropy(out.float(), labels[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.detach()
            step += 1
        if not torch.isfinite(loss_sum):
            return True
    return False


def pretrain(root, spec):
    """The backbone pretrained here as sweep pretrains it (experiments/train/pretrain.cpp):
    all blocks and a head for the source classes trained together, no validation, then
    the source accuracy on the held-out source test split."""
    start = time.perf_counter()
    recipe = spec["pretrain"]
    if recipe["optimizer"] != "sgd" or recipe["schedule"] != "cosine":
        raise SystemExit(f"{PROGRAM}: only the SGD + cosine pretraining recipe is written here")
    torch.manual_seed(recipe["seed"])
    mean, std = pixel_statistics(load_npy(root, recipe["train"]["images"]))
    train_x, train_y = load_split(root, recipe["train"], mean, std)
    backbone = ResNet(spec["arch"], spec["width"], spec["input"]["channels"])
    model = TransferModel(backbone, recipe["num_classes"], len(backbone.blocks()))
    if fit(model, list(model.parameters()), train_x, train_y, recipe, recipe["lr"],
           recipe["epochs"]):
        raise SystemExit(f"{PROGRAM}: pretraining {spec['name']} diverged")
    _, accuracy = evaluate(model, *load_split(root, recipe["test"], mean, std))
    seconds = time.perf_counter() - start
    print(f"pretrained {spec['name']} on {recipe['source']}: source accuracy "
          f"{100 * accuracy:.1f}%, {seconds:.1f} s", flush=True)
    return backbone.eval(), mean, std, {"backbone": spec["name"], "pretrained_here": True,
                                        "seconds": seconds, "source_accuracy": accuracy}


def exported(root, spec):
    """The export's pretrained weights instead (pretraining excluded), or its
    TorchScript file, which is never pretrained."""
    record = {"backbone": spec["name"], "pretrained_here": False, "seconds": 0.0,
              "source_accuracy": spec.get("source_accuracy")}
    return (*exported_input(root, spec, PROGRAM), record)


def run_trial(pretrained, data, trial):
    return study_model.run_trial(
        pretrained, data, trial,
        lambda head, f_train, _: fit(head, list(head.parameters()), *f_train, trial,
                                     trial["lr"], trial["probe_epochs"]),
        lambda model, params: fit(model, params, *data["train"], trial, trial["lr"],
                                  trial["epochs"], lambda: study_model.arithmetic(trial),
                                  trial.get("augment", "none")))


def main():
    parser = arguments(__doc__, "run only the trials whose id starts with this "
                       "(pretraining still runs)")
    parser.add_argument("--pretrained", action="store_true",
                        help="use the export's pretrained weights instead of pretraining here "
                        "(needs an export made without --no-pretrain)")
    args, start, manifest = begin(parser, PROGRAM)
    root = args.export_dir
    prepare = exported if args.pretrained else pretrain
    inputs, pretraining = {}, []
    for spec in manifest["backbones"]:
        if any(t["backbone"] == spec["name"] for t in manifest["trials"]):
            load = exported if "torchscript" in spec else prepare
            backbone, mean, std, record = load(root, spec)
            inputs[spec["name"]] = (backbone, mean, std)
            pretraining.append(record)
    results = run_grid(root, manifest, args.only, inputs, run_trial)
    finish("lean", start, args.threads, results, args.out, pretraining=pretraining)


if __name__ == "__main__":
    main()
