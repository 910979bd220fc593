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
import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

BLOCKS_PER_STAGE = {"resnet10": [1, 1, 1, 1], "resnet18": [2, 2, 2, 2]}
EVAL_BATCH = 512


def conv3x3(cin, cout, stride):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet(nn.Module):
    """sweep's built-in ResNet: a 3x3 stem, four stages, average-pooled features."""

    def __init__(self, arch, width, channels):
        super().__init__()
        self.stem = nn.Sequential(conv3x3(channels, width, 1), nn.BatchNorm2d(width), nn.ReLU())
        cin = width
        for s, count in enumerate(BLOCKS_PER_STAGE[arch]):
            cout = width << s
            blocks = []
            for b in range(count):
                blocks.append(BasicBlock(cin, cout, 2 if b == 0 and s > 0 else 1))
                cin = cout
            setattr(self, f"stage{s + 1}", nn.Sequential(*blocks))
        self.feature_dim = cin

    def blocks(self):
        return [self.stem, self.stage1, self.stage2, self.stage3, self.stage4]

    def forward(self, x):
        for block in self.blocks():
            x = block(x)
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


class TransferModel(nn.Module):
    """The backbone with a new head; the first blocks frozen, their BatchNorm in eval."""

    def __init__(self, backbone, num_classes, unfrozen):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(backbone.feature_dim, num_classes)
        blocks = backbone.blocks()
        self.frozen = blocks[:len(blocks) - unfrozen]
        for block in self.frozen:
            for p in block.parameters():
                p.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        for block in self.frozen:
            block.eval()
        return self

    def forward(self, x):
        return self.head(self.backbone(x))


def load_npy(root, name):
    return torch.from_numpy(np.load(os.path.join(root, name)))


def load_backbone(root, spec):
    net = ResNet(spec["arch"], spec["width"], spec["input"]["channels"])
    state = {name: load_npy(root, path) for name, path in spec["weights"].items()}
    net.load_state_dict(state, strict=True)
    return net.eval()


def normalised(root, split, spec):
    """Pixels scaled to [0, 1], then (x - mean) / std per channel."""
    shape = (1, -1, 1, 1)
    mean = torch.tensor(spec["input"]["mean"], dtype=torch.float32).view(shape)
    std = torch.tensor(spec["input"]["std"], dtype=torch.float32).view(shape)
    images = load_npy(root, split["images"]).float().div_(255.0)
    return TensorDataset((images - mean) / std, load_npy(root, split["labels"]))


def cosine(total_steps):
    return lambda step: 0.5 * (1.0 + math.cos(math.pi * step / total_steps))


def batches(dataset):
    """Evaluation batches in order. Sliced rather than drawn from a DataLoader, whose
    every iteration takes a number from the global generator and so would move the
    training shuffles of --shuffle sweep away from sweep's."""
    images, labels = dataset.tensors
    for start in range(0, len(labels), EVAL_BATCH):
        yield images[start:start + EVAL_BATCH], labels[start:start + EVAL_BATCH]


@torch.no_grad()
def evaluate(model, dataset):
    model.eval()
    correct, loss, n = 0, 0.0, 0
    for x, y in batches(dataset):
        out = model(x)
        loss += F.cross_entropy(out, y, reduction="sum").item()
        correct += (out.argmax(1) == y).sum().item()
        n += len(y)
    return loss / n, correct / n


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
        evaluate(model, val)
    return diverged


@torch.no_grad()
def features(backbone, dataset):
    backbone.eval()
    parts = [backbone(x) for x, _ in batches(dataset)]
    return torch.cat(parts), dataset.tensors[1]


def linear_probe(model, train, val, test, trial, shuffle):
    """Head-only: frozen features once, standardised, the head trained on them."""
    (f_train, y_train), (f_val, y_val), (f_test, y_test) = (
        features(model.backbone, s) for s in (train, val, test))
    mean, std = f_train.mean(0), f_train.std(0).clamp_min(1e-6)
    standard = [TensorDataset((f - mean) / std, y)
                for f, y in ((f_train, y_train), (f_val, y_val), (f_test, y_test))]
    diverged = fit(model.head, list(model.head.parameters()), standard[0], standard[1], trial,
                   trial["probe_epochs"], shuffle)
    return diverged, evaluate(model.head, standard[1]), evaluate(model.head, standard[2])


def run_trial(pretrained, data, trial, shuffle="dataloader"):
    start = time.perf_counter()
    train, val, test = data["train"], data["val"], data["test"]
    backbone = copy.deepcopy(pretrained)
    torch.manual_seed(trial["seed"])
    model = TransferModel(backbone, data["num_classes"], trial["unfrozen"])
    if trial["unfrozen"] == 0:
        diverged, val_score, test_score = linear_probe(model, train, val, test, trial, shuffle)
    else:
        params = [p for p in model.parameters() if p.requires_grad]
        diverged = fit(model, params, train, val, trial, trial["epochs"], shuffle)
        val_score, test_score = evaluate(model, val), evaluate(model, test)
    return {"id": trial["id"], "position": trial["position"], "backbone": trial["backbone"],
            "target": trial["target"], "unfrozen": trial["unfrozen"], "blocks": trial["blocks"],
            "lr": trial["lr"], "seed": trial["seed"], "diverged": diverged,
            "val_accuracy": val_score[1], "test_accuracy": test_score[1],
            "seconds": time.perf_counter() - start}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export_dir", help="what bench/export_study wrote")
    parser.add_argument("--threads", type=int, required=True, help="torch.set_num_threads")
    parser.add_argument("--out", help="write the per-trial results here as JSON")
    parser.add_argument("--shuffle", choices=("dataloader", "sweep"), default="dataloader",
                        help="sweep: draw batches in sweep's order, to check that both sides "
                        "compute the same thing (default: DataLoader(shuffle=True))")
    parser.add_argument("--only", help="run only the trials whose id starts with this")
    args = parser.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    root = args.export_dir
    with open(os.path.join(root, "manifest.json")) as f:
        manifest = json.load(f)
    if any(t["optimizer"] != "sgd" or t["schedule"] != "cosine" for t in manifest["trials"]):
        sys.exit("reference.py: only the SGD + cosine recipe is written here")
    specs = {b["name"]: b for b in manifest["backbones"]}
    backbones = {name: load_backbone(root, spec) for name, spec in specs.items()}
    data = {}
    results = []
    trials = [t for t in manifest["trials"] if t["id"].startswith(args.only or "")]
    for trial in trials:
        key = trial["data"]
        if key not in data:
            split = manifest["data"][key]
            spec = specs[trial["backbone"]]
            data[key] = {s: normalised(root, split[s], spec) for s in ("train", "val", "test")}
            data[key]["num_classes"] = split["num_classes"]
        r = run_trial(backbones[trial["backbone"]], data[key], trial, args.shuffle)
        results.append(r)
        print(f"[{len(results)}/{len(trials)}] {r['target']}, unfrozen {r['unfrozen']}, "
              f"lr {r['lr']:g}, seed {r['seed']}: test {100 * r['test_accuracy']:.1f}%, "
              f"val {100 * r['val_accuracy']:.1f}%, {r['seconds']:.1f} s", flush=True)
    wall = time.perf_counter() - start
    print(f"reference: {len(results)} trials in {wall:.1f} s with {args.threads} thread(s), "
          f"torch {torch.__version__}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"torch": torch.__version__, "threads": args.threads, "seconds": wall,
                       "trials": results}, f, indent=1)


if __name__ == "__main__":
    main()
