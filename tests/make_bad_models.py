"""Writes the malformed backbone files the loader tests expect, and small good
ones for the identity tests, beside a good resnet18 export. Called by
make_test_models.sh; scripting needs a real source file."""
import json, pathlib, sys, torch
out = pathlib.Path(sys.argv[1])
meta = json.loads((out / "resnet18.json").read_text())

def save(name, module, blocks):
    torch.jit.script(module).save(str(out / (name + ".pt")))
    (out / (name + ".json")).write_text(json.dumps(dict(meta, blocks=blocks)))

# Blocks that end in a feature map instead of a pooled vector.
save("bad_rank", torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3)), ["0"])
# A module without children.
class Bare(torch.nn.Module):
    def forward(self, x):
        return x.flatten(1)
save("bad_no_blocks", Bare(), ["x"])
# Children that do not match the metadata's blocks.
save("bad_names", torch.nn.Sequential(torch.nn.Flatten(1)), ["stem"])
# Not TorchScript at all, and a model without its metadata.
(out / "bad_not_torchscript.pt").write_text("these are not weights\n")
(out / "bad_not_torchscript.json").write_text(json.dumps(meta))
(out / "bad_no_metadata.pt").write_bytes((out / "resnet18.pt").read_bytes())

# Three small good models for the identity tests: the same weights with ReLU,
# scripted twice (the second gets TorchScript's mangled class names), and with
# Tanh instead (other code, same weights).
def small(activation):
    torch.manual_seed(5)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), activation,
                               torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(1))
for name, activation in (("code_relu", torch.nn.ReLU()), ("code_relu_again", torch.nn.ReLU()),
                         ("code_tanh", torch.nn.Tanh())):
    save(name, small(activation), ["0", "1", "2", "3"])
