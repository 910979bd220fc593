"""What bench/reference.py and bench/lean.py share, so that the two references
differ only in how they train.

sweep's built-in ResNet as an nn.Module with the same parameter names and the
same initialisation; the model with a new head whose first blocks are frozen
(requires_grad False, run under no_grad, BatchNorm in eval); reading what
bench/export_study wrote (manifest.json and .npy arrays); sweep's per-step
cosine schedule; evaluation in batches; the linear probe on standardised
features; one trial's outline; and the loop over the grid that both scripts
print and record.
"""
import argparse
import contextlib
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
    """sweep's built-in ResNet: a 3x3 stem, four stages, average-pooled features.
    Convolutions start as sweep's (and torchvision's) do: Kaiming normal, fan out."""

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
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def blocks(self):
        return [self.stem, self.stage1, self.stage2, self.stage3, self.stage4]

    @staticmethod
    def pool(x):
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)

    def forward(self, x):
        for block in self.blocks():
            x = block(x)
        return self.pool(x)


class ScriptedBackbone(nn.Module):
    """A TorchScript backbone as scripts/export_torchvision.py writes it and sweep
    loads it: the module's children are the blocks, in forward order, and the last
    one ends in the pooled feature vector."""

    def __init__(self, path, feature_dim):
        super().__init__()
        self.path, self.feature_dim = path, feature_dim
        self.module = torch.jit.load(path)

    def __deepcopy__(self, memo):
        """A fresh load: a deep copy of a loaded ScriptModule gives parameters that
        are not leaves, which cannot be frozen."""
        return ScriptedBackbone(self.path, self.feature_dim).train(self.training)

    def blocks(self):
        return [child for _, child in self.module.named_children()]

    @staticmethod
    def pool(x):
        return x

    def forward(self, x):
        for block in self.blocks():
            x = block(x)
        return x


class TransferModel(nn.Module):
    """The backbone with a new head; the first blocks frozen, run without autograd,
    their BatchNorm in eval even after model.train()."""

    def __init__(self, backbone, num_classes, unfrozen):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(backbone.feature_dim, num_classes)
        blocks = backbone.blocks()
        self.frozen = blocks[:len(blocks) - unfrozen]
        self.trained = blocks[len(blocks) - unfrozen:]
        for block in self.frozen:
            for p in block.parameters():
                p.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        for block in self.frozen:
            block.eval()
        return self

    def forward(self, x):
        with torch.no_grad():
            for block in self.frozen:
                x = block(x)
        for block in self.trained:
            x = block(x)
        return self.head(self.backbone.pool(x))


def read_manifest(root, program):
    with open(os.path.join(root, "manifest.json")) as f:
        manifest = json.load(f)
    if any(t["optimizer"] != "sgd" or t["schedule"] != "cosine" for t in manifest["trials"]):
        sys.exit(f"{program}: only the SGD + cosine recipe is written here")
    return manifest


def load_npy(root, name):
    return torch.from_numpy(np.load(os.path.join(root, name)))


def load_backbone(root, spec, program):
    """The pretrained weights in the export (absent when it ran with --no-pretrain),
    or the TorchScript file it names."""
    if "torchscript" in spec:
        return ScriptedBackbone(spec["torchscript"], spec["feature_dim"]).eval()
    if "weights" not in spec:
        sys.exit(f"{program}: {root} has no weights for {spec['name']} (exported with "
                 "--no-pretrain); export again without it")
    net = ResNet(spec["arch"], spec["width"], spec["input"]["channels"])
    state = {name: load_npy(root, path) for name, path in spec["weights"].items()}
    net.load_state_dict(state, strict=True)
    return net.eval()


def exported_input(root, spec, program):
    """(pretrained backbone, input mean, input std) as the export has them."""
    return load_backbone(root, spec, program), spec["input"]["mean"], spec["input"]["std"]


def pixel_statistics(images):
    """Per-channel mean and standard deviation of uint8 pixels scaled to [0, 1], as
    sweep computes them on its pretraining images."""
    per_channel = images.transpose(0, 1).reshape(images.shape[1], -1).double().div_(255.0)
    return per_channel.mean(1).tolist(), per_channel.std(1).clamp_min(1e-6).tolist()


def load_split(root, split, mean, std):
    """(images, labels): pixels scaled to [0, 1], then (x - mean) / std per channel."""
    shape = (1, -1, 1, 1)
    mean = torch.tensor(mean, dtype=torch.float32).view(shape)
    std = torch.tensor(std, dtype=torch.float32).view(shape)
    images = load_npy(root, split["images"]).float().div_(255.0)
    return (images - mean) / std, load_npy(root, split["labels"])


def scheduled_lr(base, step, total_steps):
    """sweep's cosine schedule (experiments/train/optim.cpp scheduled_lr), per step."""
    return base * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))


def batches(images, labels):
    """Evaluation batches in order. Sliced rather than drawn from a DataLoader, whose
    every iteration takes a number from the global generator and so would move the
    training shuffles of reference.py --shuffle sweep away from sweep's."""
    for start in range(0, len(labels), EVAL_BATCH):
        yield images[start:start + EVAL_BATCH], labels[start:start + EVAL_BATCH]


@torch.no_grad()
def evaluate(model, images, labels):
    """(mean cross-entropy, accuracy)."""
    model.eval()
    correct, loss, n = 0, 0.0, 0
    for x, y in batches(images, labels):
        out = model(x).float()
        loss += F.cross_entropy(out, y, reduction="sum").item()
        correct += (out.argmax(1) == y).sum().item()
        n += len(y)
    return loss / n, correct / n


@torch.no_grad()
def standard_features(backbone, splits):
    """The linear probe's inputs: each split's features once, standardised with the
    training split's mean and standard deviation. [(features, labels)] per split."""
    backbone.eval()
    feats = [(torch.cat([backbone(x) for x, _ in batches(*split)]), split[1])
             for split in splits]
    mean, std = feats[0][0].mean(0), feats[0][0].std(0).clamp_min(1e-6)
    return [((f - mean) / std, y) for f, y in feats]


def linear_probe(model, data, train_head):
    """Head-only: frozen features once, standardised, the head trained on them by
    `train_head(head, train, val)` -> diverged, where train and val are (features,
    labels). (diverged, validation score, test score)."""
    train, val, test = standard_features(model.backbone,
                                         (data["train"], data["val"], data["test"]))
    diverged = train_head(model.head, train, val)
    return diverged, evaluate(model.head, *val), evaluate(model.head, *test)


def arithmetic(trial):
    """The trial's precision as sweep runs a trial that trains blocks: "bf16" is CPU
    autocast to bf16 around forward passes only (weights, loss, backward's
    accumulation and the optimizer stay fp32: run under autocast too, backward and
    step trained a random-weight clothes trial to 32% where fp32 reaches 66%);
    "fp32" plain. A context manager; one per use."""
    precision = trial.get("precision", "fp32")
    if precision == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    if precision != "fp32":
        raise SystemExit(f"precision {precision!r}: only fp32 and bf16 are written here")
    return contextlib.nullcontext()


def run_trial(pretrained, data, trial, train_head, fine_tune):
    """One trial as both references run it: a copy of the pretrained backbone, the
    trial's seed, a new head. Head-only trials are linear_probe(train_head), in
    fp32 as sweep's probes; deeper ones `fine_tune(model, trainable params)` ->
    diverged (its forward passes in the trial's arithmetic()), then evaluated in
    that arithmetic. Timed from the copy to the test accuracy."""
    start = time.perf_counter()
    backbone = copy.deepcopy(pretrained)
    torch.manual_seed(trial["seed"])
    model = TransferModel(backbone, data["num_classes"], trial["unfrozen"])
    if trial["unfrozen"] == 0:
        diverged, val_score, test_score = linear_probe(model, data, train_head)
    else:
        diverged = fine_tune(model, [p for p in model.parameters() if p.requires_grad])
        with arithmetic(trial):
            val_score, test_score = evaluate(model, *data["val"]), evaluate(model, *data["test"])
    keys = ("id", "position", "backbone", "target", "unfrozen", "blocks", "lr", "seed")
    return dict({k: trial[k] for k in keys}, diverged=diverged, val_accuracy=val_score[1],
                test_accuracy=test_score[1], seconds=time.perf_counter() - start)


def arguments(doc, only_help):
    """The options both references take."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export_dir", help="what bench/export_study wrote")
    parser.add_argument("--threads", type=int, required=True, help="torch.set_num_threads")
    parser.add_argument("--out", help="write the per-trial results here as JSON")
    parser.add_argument("--only", default="", help=only_help)
    return parser


def begin(parser, program):
    """Parses the options, starts the clock, sets the threads, reads the manifest."""
    args = parser.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    return args, start, read_manifest(args.export_dir, program)


def run_grid(root, manifest, only, inputs, run_trial):
    """Every trial of the export (whose id starts with `only`) in sweep's order.
    `inputs`: backbone name -> (pretrained backbone, input mean, input std);
    `run_trial(backbone, data, trial)` -> its result. Each target's splits are
    loaded once, normalised, as whole tensors."""
    data, results = {}, []
    trials = [t for t in manifest["trials"] if t["id"].startswith(only)]
    for trial in trials:
        backbone, mean, std = inputs[trial["backbone"]]
        key = (trial["data"], trial["backbone"])
        if key not in data:
            split = manifest["data"][trial["data"]]
            data[key] = {s: load_split(root, split[s], mean, std) for s in ("train", "val", "test")}
            data[key]["num_classes"] = split["num_classes"]
        r = run_trial(backbone, data[key], trial)
        results.append(r)
        print(f"[{len(results)}/{len(trials)}] {r['target']}, unfrozen {r['unfrozen']}, "
              f"lr {r['lr']:g}, seed {r['seed']}: test {100 * r['test_accuracy']:.1f}%, "
              f"val {100 * r['val_accuracy']:.1f}%, {r['seconds']:.1f} s", flush=True)
    return results


def finish(program, start, threads, results, out, **extra):
    """Prints the total and writes the JSON that bench/compare.py reads."""
    wall = time.perf_counter() - start
    print(f"{program}: {len(results)} trials in {wall:.1f} s with {threads} thread(s), "
          f"torch {torch.__version__}")
    if out:
        with open(out, "w") as f:
            json.dump(dict({"torch": torch.__version__, "threads": threads, "seconds": wall},
                           **extra, trials=results), f, indent=1)
