#!/usr/bin/env bash
# The CPU engine on linux-arm64 without ARM64 hardware: publishes the CLI for linux-arm64, trains a short run under
# qemu-user and the same run natively on this x64 machine, and compares the parameters and Adam moments byte for byte
# (the GEMM's NEON path and the element-wise kernels on 128-bit vectors against AVX2). Prints "same bits" or fails.
# Usage: tools/arm64/check-under-qemu.sh [MNIST folder, default ../shared/data/mnist]
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/data/mnist}

need="dpkg --add-architecture arm64 && apt-get update && apt-get install qemu-user-static libc6:arm64 libstdc++6:arm64 libssl3:arm64 zlib1g:arm64"
command -v qemu-aarch64-static > /dev/null || { echo "error: qemu-aarch64-static is not installed; as root: $need" >&2; exit 1; }
# Debian's multiarch arm64 libraries sit beside the host's, where qemu finds them without a sysroot.
for lib in /lib/ld-linux-aarch64.so.1 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libssl.so.3; do
    [ -e "$lib" ] || { echo "error: $lib is missing (arm64 C libraries); as root: $need" >&2; exit 1; }
done
[ -d "$data" ] || { echo "error: no MNIST folder at $data (give it as the first argument)" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "error: this check compares against an x64 run; run it on an x64 machine" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "publishing the CLI for linux-arm64 and building it for linux-x64"
dotnet publish src/Cli -c Release -r linux-arm64 --self-contained -o "$work/cli-arm64" -nologo -v quiet
dotnet publish src/Cli -c Release -r linux-x64 --self-contained -o "$work/cli-x64" -nologo -v quiet

# 40 steps of batch 100 on 1,000 images and one test ELBO at the end: about a minute under the emulator.
run=(train --steps 40 --train-size 1000 --eval-every 40 --seed 3 --data "$data")
"$work/cli-x64/vae" "${run[@]}" --out "$work/x64" | grep -E '^(device|training)'
# The runtime's write-xor-execute double mapping of JIT code is left off under the emulator.
DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static "$work/cli-arm64/vae" "${run[@]}" --out "$work/arm64" \
    | grep -E '^(device|training)'

for file in model.safetensors optimizer.safetensors; do
    cmp "$work/x64/$file" "$work/arm64/$file" || { echo "error: $file differs between x64 and arm64" >&2; exit 1; }
done
echo "same bits: model.safetensors and optimizer.safetensors after 40 steps on x64 and under qemu-aarch64"
