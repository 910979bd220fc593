#!/usr/bin/env python3
"""Export a torchvision classification model as a backbone that sweep can load.

sweep reads a TorchScript module whose top-level children are the model's
freeze units ("blocks") in forward order and whose output is the pooled feature
vector (the classifier head removed), plus a JSON file beside it with what sweep
needs to feed it: input size, channels, mean and standard deviation, the block
names and the feature width.

Examples (on Debian 12: apt-get install python3-torchvision):

  # weights you downloaded, e.g. resnet18-f37072fd.pth from the torchvision site
  /usr/bin/python3 scripts/export_torchvision.py resnet18 --weights resnet18-f37072fd.pth \\
      --out models/resnet18.pt

  # random weights, for trying things out (nothing is downloaded)
  /usr/bin/python3 scripts/export_torchvision.py mobilenet_v3_small --random --out models/mnv3.pt

This writes models/resnet18.pt and models/resnet18.json. Then name it in a
sweep file: {"name": "resnet18", "torchscript": "models/resnet18.pt"}.

--weights takes a state dict of the model with any classifier (a fine-tuned or
in-house checkpoint with 5 classes loads as well as ImageNet's 1000: the
classifier is dropped), also wrapped as {"state_dict": ...} or {"model": ...},
with a prefix every key shares (DataParallel's "module.", Lightning's "model."),
or a whole pickled model (torch.save(model); unpickling runs code from the file,
so only use your own). The input is normalised with
ImageNet's mean and standard deviation unless --mean and --std say otherwise:
give the ones the weights were trained with.

The module is scripted with torch.jit.script, not traced: a traced module fixes
BatchNorm in the mode it was traced in, so its statistics never update when the
blocks are fine-tuned.
"""

import argparse
import collections
import json
import pathlib
import sys

FORMAT = "sweep-backbone/1"
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def resnet_blocks(model, torch):
    """Stem, then each of the four stages; the last one ends in pooling."""
    nn = torch.nn
    return collections.OrderedDict([
        ("stem", nn.Sequential(model.conv1, model.bn1, model.relu, model.maxpool)),
        ("layer1", model.layer1),
        ("layer2", model.layer2),
        ("layer3", model.layer3),
        ("layer4", nn.Sequential(model.layer4, model.avgpool, nn.Flatten(1))),
    ])


def mobilenet_v3_blocks(model, torch):
    """Each child of `features` is a block; the last one ends in pooling."""
    nn = torch.nn
    features = list(model.features.children())
    blocks = collections.OrderedDict()
    for i, block in enumerate(features[:-1]):
        blocks["features%d" % i] = block
    blocks["features%d" % (len(features) - 1)] = nn.Sequential(
        features[-1], model.avgpool, nn.Flatten(1))
    return blocks


FAMILIES = {
    "resnet": resnet_blocks,
    "mobilenet_v3": mobilenet_v3_blocks,
}

# The classifier each family's export drops, as state-dict key prefixes.
CLASSIFIERS = {
    "resnet": "fc.",
    "mobilenet_v3": "classifier.",
}


def fail(message):
    """One line naming the file and what is wrong; exit code 2, as sweep's bad input."""
    print(message, file=sys.stderr)
    sys.exit(2)


def some(keys, n=3):
    keys = sorted(keys)
    return ", ".join(keys[:n]) + (", ..." if len(keys) > n else "")


def read_checkpoint(path, torch):
    """What torch.load finds in the file. A whole pickled model needs
    weights_only=False, which newer torch refuses by default: asked again."""
    def first_line(error):
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    try:
        return torch.load(str(path), map_location="cpu")
    except Exception as error:  # pickle, zip and torch errors alike
        if "weights_only" not in str(error):
            fail("%s: not a PyTorch checkpoint (torch.load: %s)" % (path, first_line(error)))
    print("%s: a whole pickled model; loading it runs code from the file, so only export "
          "checkpoints you trust" % path, file=sys.stderr)
    try:
        return torch.load(str(path), map_location="cpu", weights_only=False)
    except Exception as error:
        fail("%s: not a PyTorch checkpoint (torch.load: %s)" % (path, first_line(error)))


def without_shared_prefix(state, expected):
    """The state's keys as `expected` names them: while none matches, a first
    name every key shares ("module.", "model.", "backbone.") is dropped."""
    while state and not any(k in expected for k in state):
        first = next(iter(state)).split(".", 1)[0] + "."
        if first == "." or not all(k.startswith(first) for k in state):
            break
        state = {k[len(first):]: v for k, v in state.items()}
    return state


def load_weights(path, model, family, name, torch):
    """The checkpoint's weights into `model`, the classifier left out. Exits
    with one line naming the file and what is wrong with it."""
    if not path.is_file():
        fail("%s: no such file" % path)
    state = read_checkpoint(path, torch)
    for wrapper in ("state_dict", "model"):
        if isinstance(state, dict) and isinstance(state.get(wrapper), (dict, torch.nn.Module)):
            state = state[wrapper]
    if isinstance(state, torch.nn.Module):  # a whole pickled model
        state = state.state_dict()
    if not isinstance(state, dict) or not all(
            isinstance(k, str) and torch.is_tensor(v) for k, v in state.items()):
        fail("%s: a PyTorch file, but not a state dict of tensors; save the model's "
                 "state_dict()" % path)
    head = CLASSIFIERS[family]
    expected = {k: v for k, v in model.state_dict().items() if not k.startswith(head)}
    state = without_shared_prefix(state, expected)
    state = {k: v for k, v in state.items() if not k.startswith(head)}
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    reshaped = [k for k in state if k in expected and state[k].shape != expected[k].shape]
    if missing or unexpected or reshaped:
        problems = []
        if missing:
            problems.append("%d weights missing (%s)" % (len(missing), some(missing)))
        if unexpected:
            problems.append("%d not in %s (%s)" % (len(unexpected), name, some(unexpected)))
        if reshaped:
            problems.append("%d of another shape (%s)" % (len(reshaped), some(reshaped)))
        fail("%s: not %s weights: %s" % (path, name, "; ".join(problems)))
    model.load_state_dict(state, strict=False)


def family_of(name):
    for family in FAMILIES:
        if name.startswith(family):
            return family
    return None


def main(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a torchvision model name: resnet18, resnet34, resnet50, "
                        "resnet101, resnet152, mobilenet_v3_small, mobilenet_v3_large")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", type=pathlib.Path,
                        help="a state dict (.pth) of the model, as torchvision publishes them")
    source.add_argument("--random", action="store_true",
                        help="random weights (weights=None); for tests and trials of the tool")
    parser.add_argument("--out", type=pathlib.Path, required=True,
                        help="the TorchScript file to write; the metadata goes beside it as .json")
    parser.add_argument("--image-size", type=int, default=224,
                        help="input height and width sweep resizes images to (default: 224); "
                        "choose the size the weights were trained at, or smaller for small "
                        "photos: a larger size upscales them and makes CPU runs slower")
    parser.add_argument("--mean", type=float, nargs=3, default=IMAGENET_MEAN, metavar="M",
                        help="per-channel input mean the weights were trained with "
                        "(default: ImageNet's, %s)" % " ".join(map(str, IMAGENET_MEAN)))
    parser.add_argument("--std", type=float, nargs=3, default=IMAGENET_STD, metavar="S",
                        help="per-channel input standard deviation (default: ImageNet's, %s)"
                        % " ".join(map(str, IMAGENET_STD)))
    args = parser.parse_args(argv)

    import torch
    import torchvision

    family = family_of(args.model)
    builder = getattr(torchvision.models, args.model, None)
    if family is None or builder is None:
        parser.error("unsupported model %r; supported: resnet18/34/50/101/152, "
                     "mobilenet_v3_small, mobilenet_v3_large" % args.model)
    if any(s <= 0 for s in args.std):
        parser.error("--std: each standard deviation must be positive")
    model = builder(weights=None)
    if args.weights:
        load_weights(args.weights, model, family, args.model, torch)
    model.eval()

    blocks = FAMILIES[family](model, torch)
    backbone = torch.jit.script(torch.nn.Sequential(blocks))
    with torch.no_grad():
        features = backbone(torch.zeros(2, 3, args.image_size, args.image_size))
    if features.dim() != 2:
        sys.exit("internal error: %s exported with output rank %d" % (args.model, features.dim()))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    backbone.save(str(args.out))
    metadata = {
        "format": FORMAT,
        "model": args.model,
        "weights": str(args.weights) if args.weights else "random",
        "image_size": args.image_size,
        "channels": 3,
        "mean": list(args.mean),
        "std": list(args.std),
        "blocks": list(blocks.keys()),
        "feature_dim": int(features.shape[1]),
    }
    meta_path = args.out.with_suffix(".json")
    meta_path.write_text(json.dumps(metadata, indent=2) + "\n")
    print("%s: %d blocks (%s), %d features; metadata in %s; inputs normalised with %s" % (
        args.out, len(blocks), ", ".join(blocks.keys()), features.shape[1], meta_path,
        "ImageNet's mean and std" if (list(args.mean), list(args.std)) ==
        (IMAGENET_MEAN, IMAGENET_STD) else "mean %s, std %s" % (args.mean, args.std)))


if __name__ == "__main__":
    main(sys.argv[1:])
