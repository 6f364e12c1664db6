#!/usr/bin/env bash
# Builds gpu-bundle/bundle.tar.gz (ignored by git; about 50 MB): the GPU check published self-contained for
# linux-x64, so the GPU machine needs no .NET, with the PyTorch fixtures and the MNIST files it reads, since ../shared
# does not travel to that machine. Run it from anywhere on a machine with the .NET SDK; tools/gpu/README.md says more.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${VAE_SHARED_DIR:-$root/../shared}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dotnet publish "$root/tools/gpu" -c Release -r linux-x64 --self-contained -o "$stage/app"
mkdir -p "$stage/shared/fixtures" "$stage/shared/data/mnist"
cp "$shared"/fixtures/vae_step_*.json "$stage/shared/fixtures/"
cp "$shared"/data/mnist/*-ubyte.gz "$stage/shared/data/mnist/"
mkdir -p "$root/gpu-bundle"
tar czf "$root/gpu-bundle/bundle.tar.gz" -C "$stage" app shared
ls -l "$root/gpu-bundle/bundle.tar.gz"
