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
import copy
import math
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from study_model import (TransferModel, arguments, evaluate, finish, load_backbone,
                         read_manifest, run_grid, scheduled_lr, standard_features,
                         trial_result)


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


def fit(model, params, train, val, trial, epochs, shuffle="dataloader"):
    """SGD with momentum and weight decay, cosine per step; validation each epoch."""
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
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            diverged = diverged or not math.isfinite(loss.item())
        if diverged:
            break
        evaluate(model, *val.tensors)
    return diverged


def linear_probe(model, train, val, test, trial, shuffle):
    """Head-only: frozen features once, standardised, the head trained on them."""
    standard = [TensorDataset(f, y) for f, y in standard_features(model.backbone,
                                                                  (train, val, test))]
    diverged = fit(model.head, list(model.head.parameters()), standard[0], standard[1], trial,
                   trial["probe_epochs"], shuffle)
    return (diverged, evaluate(model.head, *standard[1].tensors),
            evaluate(model.head, *standard[2].tensors))


def run_trial(pretrained, data, trial, shuffle="dataloader"):
    start = time.perf_counter()
    train, val, test = (TensorDataset(*data[s]) for s in ("train", "val", "test"))
    backbone = copy.deepcopy(pretrained)
    torch.manual_seed(trial["seed"])
    model = TransferModel(backbone, data["num_classes"], trial["unfrozen"])
    if trial["unfrozen"] == 0:
        diverged, val_score, test_score = linear_probe(model, data["train"], data["val"],
                                                       data["test"], trial, shuffle)
    else:
        params = [p for p in model.parameters() if p.requires_grad]
        diverged = fit(model, params, train, val, trial, trial["epochs"], shuffle)
        val_score, test_score = evaluate(model, *val.tensors), evaluate(model, *test.tensors)
    return trial_result(trial, diverged, val_score, test_score, time.perf_counter() - start)


def main():
    parser = arguments(__doc__, "run only the trials whose id starts with this")
    parser.add_argument("--shuffle", choices=("dataloader", "sweep"), default="dataloader",
                        help="sweep: draw batches in sweep's order, to check that both sides "
                        "compute the same thing (default: DataLoader(shuffle=True))")
    args = parser.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    root = args.export_dir
    manifest = read_manifest(root, "reference.py")
    inputs = {spec["name"]: (load_backbone(root, spec, "reference.py"), spec["input"]["mean"],
                             spec["input"]["std"]) for spec in manifest["backbones"]}
    results = run_grid(root, manifest, args.only, inputs,
                       lambda backbone, data, trial: run_trial(backbone, data, trial,
                                                               args.shuffle))
    finish("reference", start, args.threads, results, args.out)


if __name__ == "__main__":
    main()
