"""The PyTorch CUDA peer of `bench -- gpu-epoch`: the same VAE, data, batch and optimizer, timed per epoch on the GPU.

usage: python3 torch_train_cuda.py MNIST_DIR --batch-size 100 --hidden 500 --epochs 3

The Kingma & Welling model as the native engine trains it: 784-H-2D tanh encoder, log-sigma head, z = mu + sigma*eps,
H-784 tanh decoder with Bernoulli logits, analytic KL, loss = -mean(ELBO), Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8),
static binarization (pixel >= 128), a new permutation of the 60,000 training images each epoch. The images live on
the GPU as one tensor and each batch is gathered there, and the loss is read back every step (as the native loop does
for its progress and divergence check), so both sides do the same host round trip per step. Prints one line per
epoch and then `best_epoch_seconds S`, which the benchmark parses.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch

parser = argparse.ArgumentParser()
parser.add_argument("mnist")
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--hidden", type=int, default=500)
parser.add_argument("--latent", type=int, default=2)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()
assert torch.cuda.is_available(), "PyTorch sees no CUDA GPU"
device = torch.device("cuda")


def images(folder):
    for name in ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 784)
    raise SystemExit(f"no train-images-idx3-ubyte(.gz) in {folder}")


x_all = torch.from_numpy((images(args.mnist) >= 128).astype(np.float32)).to(device)
n, d, h = x_all.shape[0], args.latent, args.hidden
torch.manual_seed(1)
encoder = torch.nn.Sequential(torch.nn.Linear(784, h), torch.nn.Tanh(), torch.nn.Linear(h, 2 * d)).to(device)
decoder = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, 784)).to(device)
optimizer = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)


def step(x):
    mu, log_sigma = encoder(x).chunk(2, dim=1)
    z = mu + torch.exp(log_sigma) * torch.randn_like(mu)
    logits = decoder(z)
    log_lik = -torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = 0.5 * (mu * mu + torch.exp(2 * log_sigma) - 1 - 2 * log_sigma).sum(1)
    loss = -(log_lik - kl).mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


best = float("inf")
for epoch in range(1, args.epochs + 1):
    order = torch.randperm(n, device=device)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for s in range(0, n, args.batch_size):
        loss = step(x_all[order[s:s + args.batch_size]])
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    best = min(best, seconds)
    print(f"epoch {epoch} {seconds:.3f} s loss {loss:.2f}", flush=True)
print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}, batch {args.batch_size}, hidden {h}")
print(f"best_epoch_seconds {best:.6f}")
