#!/usr/bin/env bash
# The CPU engine on linux-arm64 without ARM64 hardware, under qemu-user: first the engine's tests (vae-cpu-check,
# tools/arm64/VaePipeline.CpuCheck.csproj), then a short training run beside the same run natively on this x64 machine,
# whose parameters and Adam moments must agree byte for byte (the GEMM's NEON path and the element-wise kernels on
# 128-bit vectors against AVX2). Fails at the first test that fails or the first file that differs.
# Usage: tools/arm64/check-under-qemu.sh [shared folder with data/mnist and fixtures, default ../shared]
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${1:-../shared}

need="dpkg --add-architecture arm64 && apt-get update && apt-get install qemu-user-static libc6:arm64 libstdc++6:arm64 libssl3:arm64 zlib1g:arm64"
command -v qemu-aarch64-static > /dev/null || { echo "error: qemu-aarch64-static is not installed; as root: $need" >&2; exit 1; }
# Debian's multiarch arm64 libraries sit beside the host's, where qemu finds them without a sysroot.
for lib in /lib/ld-linux-aarch64.so.1 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libssl.so.3; do
    [ -e "$lib" ] || { echo "error: $lib is missing (arm64 C libraries); as root: $need" >&2; exit 1; }
done
[ -d "$shared/data/mnist" ] && [ -d "$shared/fixtures" ] || { echo "error: $shared lacks data/mnist or fixtures (give the shared folder as the first argument)" >&2; exit 1; }
shared=$(cd "$shared" && pwd)
data="$shared/data/mnist"
[ "$(uname -m)" = x86_64 ] || { echo "error: this check compares against an x64 run; run it on an x64 machine" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "publishing the CPU check and the CLI for linux-arm64, and the CLI for linux-x64"
dotnet publish tools/arm64/VaePipeline.CpuCheck.csproj -c Release -r linux-arm64 --self-contained -o "$work/check-arm64" -nologo -v quiet
dotnet publish src/Cli -c Release -r linux-arm64 --self-contained -o "$work/cli-arm64" -nologo -v quiet
dotnet publish src/Cli -c Release -r linux-x64 --self-contained -o "$work/cli-x64" -nologo -v quiet
# The runtime's write-xor-execute double mapping of JIT code is left off under the emulator.
export DOTNET_EnableWriteXorExecute=0

# The engine's tests, a line per test; about a minute and a half.
VAE_SHARED_DIR="$shared" qemu-aarch64-static "$work/check-arm64/vae-cpu-check" > "$work/tests.txt" || {
    grep -E '^(CPU tests|FAIL)' "$work/tests.txt"; tail -n 1 "$work/tests.txt"; echo "error: the CPU tests failed under qemu-aarch64" >&2; exit 1; }
head -n 1 "$work/tests.txt"
tail -n 1 "$work/tests.txt"

# 40 steps of batch 100 on 1,000 images and one test ELBO at the end: about a minute under the emulator.
run=(train --steps 40 --train-size 1000 --eval-every 40 --seed 3 --data "$data")
"$work/cli-x64/vae" "${run[@]}" --out "$work/x64" | grep -E '^(device|training)'
qemu-aarch64-static "$work/cli-arm64/vae" "${run[@]}" --out "$work/arm64" \
    | grep -E '^(device|training)'

for file in model.safetensors optimizer.safetensors; do
    cmp "$work/x64/$file" "$work/arm64/$file" || { echo "error: $file differs between x64 and arm64" >&2; exit 1; }
done
echo "same bits: model.safetensors and optimizer.safetensors after 40 steps on x64 and under qemu-aarch64"
