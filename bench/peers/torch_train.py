"""The PyTorch peer of `bench -- torch-epoch`: the Kingma & Welling VAE trained as vae train trains it, for timing.

usage: python3 torch_train.py MNIST_DIR EPOCHS THREADS [CHECKPOINT]

784-500-(2+2) tanh encoder with a log sigma head, 2-500-784 decoder, static binarization (pixel >= 128), Bernoulli
likelihood on logits, analytic KL, loss = -mean ELBO, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), batch 100, a new
permutation each epoch. Prints one line per epoch, "epoch N SECONDS RSS_MB" (optimizer steps only, resident memory
after the epoch), then "peak PEAK_MB" (the process's peak resident memory). With CHECKPOINT it also does the rest of
what `vae train` does each epoch, for `bench -- train-process`: the test ELBO (one z per test image, in batches of
1,000, printed as "test ELBO N") and the model and Adam state saved to CHECKPOINT (a temporary file, then renamed).
Debian: apt-get install python3-torch libopenblas0-pthread. Never a runtime need of the project.
"""
import gzip
import os
import resource
import sys
import time

import numpy as np
import torch

folder, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
checkpoint = sys.argv[4] if len(sys.argv) > 4 else None
torch.set_num_interop_threads(1)
torch.set_num_threads(threads)
torch.manual_seed(1)


def images(name):
    with gzip.open(f"{folder}/{name}-images-idx3-ubyte.gz") as f:
        pixels = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    return torch.from_numpy((pixels >= 128).astype(np.float32))


x_all = images("train")
x_test = images("t10k") if checkpoint else None


class Vae(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.ModuleList([torch.nn.Linear(784, 500), torch.nn.Linear(500, 4)])
        self.decoder = torch.nn.ModuleList([torch.nn.Linear(2, 500), torch.nn.Linear(500, 784)])

    def elbo(self, x, eps):
        """Per-image ELBO: log p(x|z) - KL(q(z|x) || p(z)), one z per image."""
        h = self.encoder[1](torch.tanh(self.encoder[0](x)))
        mu, log_sigma = h[:, :2], h[:, 2:]
        z = mu + log_sigma.exp() * eps
        logits = self.decoder[1](torch.tanh(self.decoder[0](z)))
        log_lik = -torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.square() + (2 * log_sigma).exp() - 1 - 2 * log_sigma).sum(1)
        return log_lik - kl


def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1000


model = Vae()
adam = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
for epoch in range(1, epochs + 1):
    order = torch.randperm(len(x_all))
    start = time.perf_counter()
    for i in range(0, len(x_all), 100):
        x = x_all[order[i:i + 100]]
        loss = -model.elbo(x, torch.randn(len(x), 2)).mean()
        adam.zero_grad()
        loss.backward()
        adam.step()
    print(f"epoch {epoch} {time.perf_counter() - start:.3f} {rss_mb():.0f}", flush=True)
    if checkpoint:
        with torch.no_grad():
            elbo = torch.cat([model.elbo(x, torch.randn(len(x), 2)) for x in x_test.split(1000)]).mean()
        print(f"test ELBO {elbo:.2f}", flush=True)
        torch.save({"model": model.state_dict(), "adam": adam.state_dict(), "epoch": epoch}, checkpoint + ".tmp")
        os.replace(checkpoint + ".tmp", checkpoint)
print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000:.0f}", flush=True)
