#!/usr/bin/python3
"""The default study written the way a PyTorch user would write it.

Reads what bench/export_study wrote (manifest.json, .npy arrays): the pretrained
backbone's weights, its input normalisation, each target's train/val/test split
and the trials in sweep's grid order. Runs every trial with plain PyTorch:
an nn.Module ResNet with the same parameter names, TensorDataset + DataLoader,
frozen blocks with requires_grad False and their BatchNorm in eval mode, SGD on
the trainable parameters with a per-step cosine LambdaLR, validation each epoch,
test accuracy at the end. Head-only trials are the same linear probe as sweep's:
features once under no_grad, standardised with the training statistics, the head
trained for probe_epochs on them.

    python3 bench/reference.py EXPORT_DIR --threads 2 --out reference.json
"""
import contextlib
import math

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

import study_model
from study_model import arguments, begin, evaluate, exported_input, finish, run_grid, scheduled_lr


def cosine(total_steps):
    return lambda step: scheduled_lr(1.0, step, total_steps)


def sweep_order(train, batch, epochs):
    """Batches drawn as sweep draws them: one torch.randperm per epoch from the
    default generator, sliced in order. Only for checking that the two sides
    compute the same thing; a PyTorch user would not write this."""
    images, labels = train.tensors
    for _ in range(epochs):
        order = torch.randperm(len(labels))
        yield [(images[i], labels[i]) for i in order.split(batch)]


def fit(model, params, train, val, trial, epochs, shuffle="dataloader",
        arithmetic=contextlib.nullcontext):
    """SGD with momentum and weight decay, cosine per step; validation each epoch;
    forward passes under `arithmetic()`."""
    optimizer = torch.optim.SGD(params, lr=trial["lr"], momentum=trial["momentum"],
                                weight_decay=trial["weight_decay"])
    batch = min(trial["batch_size"], len(train))
    loader = DataLoader(train, batch_size=batch, shuffle=True)
    epoch_batches = sweep_order(train, batch, epochs) if shuffle == "sweep" else None
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, cosine(len(loader) * epochs))
    diverged = False
    for _ in range(epochs):
        model.train()
        for x, y in (next(epoch_batches) if epoch_batches else loader):
            optimizer.zero_grad()
            with arithmetic():
                out = model(x)
            loss = F.cross_entropy(out.float(), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            diverged = diverged or not math.isfinite(loss.item())
        if diverged:
            break
        with arithmetic():
            evaluate(model, *val.tensors)
    return diverged


def run_trial(pretrained, data, trial, shuffle="dataloader"):
    train, val = TensorDataset(*data["train"]), TensorDataset(*data["val"])
    return study_model.run_trial(
        pretrained, data, trial,
        lambda head, f_train, f_val: fit(head, list(head.parameters()), TensorDataset(*f_train),
                                         TensorDataset(*f_val), trial, trial["probe_epochs"],
                                         shuffle),
        lambda model, params: fit(model, params, train, val, trial, trial["epochs"], shuffle,
                                  lambda: study_model.arithmetic(trial)))


def main():
    parser = arguments(__doc__, "run only the trials whose id starts with this")
    parser.add_argument("--shuffle", choices=("dataloader", "sweep"), default="dataloader",
                        help="sweep: draw batches in sweep's order, to check that both sides "
                        "compute the same thing (default: DataLoader(shuffle=True))")
    args, start, manifest = begin(parser, "reference.py")
    root = args.export_dir
    inputs = {spec["name"]: exported_input(root, spec, "reference.py")
              for spec in manifest["backbones"]}
    results = run_grid(root, manifest, args.only, inputs,
                       lambda backbone, data, trial: run_trial(backbone, data, trial,
                                                               args.shuffle))
    finish("reference", start, args.threads, results, args.out)


if __name__ == "__main__":
    main()
