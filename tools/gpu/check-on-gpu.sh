#!/usr/bin/env bash
# The GPU check as one command, for a machine with an NVIDIA GPU, python3 with PyTorch CUDA, and no .NET: unpacks
# gpu-bundle/bundle.tar.gz (tools/gpu/make-bundle.sh), then writes under $OUT
#   nvidia-smi.txt  the GPU and driver
#   device.txt      what --device auto resolves to (the probe's line)
#   tests.txt       the GPU tests on CUDA with cuBLAS: a line per test, then "N passed, N failed"
#   gpu-epoch.txt   bench -- gpu-epoch: seconds per epoch, native on this GPU beside PyTorch CUDA, and GFLOP/s
# and exits non-zero when any of them failed. Each step has a time limit, so whatever finished comes back.
set -u
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${OUT:?set OUT to the folder for the results}"
bundle="$root/gpu-bundle/bundle.tar.gz"
[ -f "$bundle" ] || { echo "no $bundle: build it with tools/gpu/make-bundle.sh" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar xzf "$bundle" -C "$work"
export VAE_SHARED_DIR="$work/shared"
export VAE_GPU_TEST_DEVICE="${VAE_GPU_TEST_DEVICE:-cuda}"
check="$work/app/vae-gpu-check"
status=0
step() { # name, seconds, command...
    local name="$1" limit="$2"; shift 2
    echo "== $name"
    timeout "$limit" "$@" > "$out/$name.txt" 2>&1
    local rc=$?
    [ $rc -eq 0 ] || { status=1; echo "exit $rc" >> "$out/$name.txt"; }
    tail -n 8 "$out/$name.txt"
}
step nvidia-smi 30 nvidia-smi
step device 60 "$check" device
step tests 240 "$check" tests
step gpu-epoch 420 "$check" gpu-epoch --data "$VAE_SHARED_DIR/data/mnist" --peer "$root/bench/peers/torch_train_cuda.py" ${GPU_EPOCHS:+--epochs "$GPU_EPOCHS"}
exit $status
