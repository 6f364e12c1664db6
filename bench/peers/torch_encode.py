"""The PIL + PyTorch peer of `vae encode`: the same folder of PNGs through the same encoder, whole process.

usage: python3 torch_encode.py FOLDER ENCODER.onnx OUT.csv

Reads every .png below FOLDER (sorted by relative path) with PIL as 8-bit gray, scales to [0, 1], runs the encoder's
weights (read from encoder.onnx's initializers with the onnx package) as a PyTorch MLP in batches of 256, and writes
path,mu_*,log_sigma_* like `vae encode`. Only the K&W graph is supported: Gemm+Tanh hidden layers, static
binarization (pixel > 0.5), a linear head split into mu and log sigma. Debian: apt-get install python3-torch
python3-pil python3-onnx libopenblas0-pthread (without OpenBLAS, torch falls back to a 25x slower reference BLAS).
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from PIL import Image

folder, model_path, out_path = sys.argv[1:4]
model = onnx.load(model_path)
weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
config = json.loads({p.key: p.value for p in model.metadata_props}["vaepipeline.config"])
assert config["activation"] == "tanh" and config["binarization"] == "static", "the peer knows the K&W graph only"
layers = len(config["hidden"]) + 1
latent = config["latent"]

paths = sorted(os.path.relpath(os.path.join(d, f), folder).replace(os.sep, "/")
               for d, _, files in os.walk(folder) for f in files if f.lower().endswith(".png"))
torch.set_grad_enabled(False)
rows = []
for start in range(0, len(paths), 256):
    batch = paths[start:start + 256]
    x = torch.from_numpy(np.stack([np.asarray(Image.open(os.path.join(folder, p)).convert("L"), dtype=np.float32).reshape(-1)
                                   for p in batch]) / 255.0)
    h = (x > 0.5).float()
    for i in range(layers):
        h = torch.nn.functional.linear(h, weights[f"encoder.{i}.weight"], weights[f"encoder.{i}.bias"])
        if i < layers - 1:
            h = torch.tanh(h)
    rows.extend(zip(batch, h.numpy()))

with open(out_path, "w") as out:
    out.write("path," + ",".join(f"mu_{j}" for j in range(latent)) + "," + ",".join(f"log_sigma_{j}" for j in range(latent)) + "\n")
    for path, h in rows:
        out.write(path + "," + ",".join(repr(float(v)) for v in h) + "\n")
print(f"encoded {len(rows)} images to {out_path} (torch {torch.__version__}, {torch.get_num_threads()} threads)")
