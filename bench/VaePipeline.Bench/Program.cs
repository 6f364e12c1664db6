using VaePipeline.Bench;

const string Usage = """
    usage: VaePipeline.Bench <benchmark> [options]

    benchmarks:
      gemm    Sgemm on the VAE's matrix shapes, 1 and 2 threads: ms per call, GFLOP/s and the share of an FMA-only loop's rate
              options: --batch-size N (100)  --hidden N (500)
      epoch   training epochs of the K&W model (784-500-2 tanh, batch 100, 60,000 images): s/epoch, GFLOP/s, peak memory,
              and after each epoch the FMA-only loop's rate and the epoch's share of it; then the five large products'
              own share, called in turn (one hidden layer): about the most an epoch's can reach
              options: --epochs N (3)  --batch-size N (100)  --hidden N[,N…] (500)  --threads N (0: all)  --data DIR
                       --breakdown (also seconds per epoch in each kind of kernel call)
      gpu-epoch  the same on a CUDA GPU (GpuBackend) beside PyTorch CUDA, at batch 100, 1,000, 10,000 and hidden 2,000, with
              GFLOP/s against a cuBLAS SGEMM rate of the same run; fails where there is no working GPU
              options: --epochs N (3)  --data DIR  --python python3  --peer bench/peers/torch_train_cuda.py
      kernels the element-wise kernels of one K&W step (bias+tanh, tanh′, likelihood, row sums, Adam), 1 and 2 threads
      images  decode + 28×28 preprocessing of the 10,000 MNIST test PNGs on one thread: images/s, from memory and from files
              options: --tar PATH (../shared/data/mnist-png/mnist-test-png.tar.gz)
      decode  10,000 prior latents through the ONNX decoder in batches of 10,000 down to 1: latents/s
              options: --model FILE (onnx/decoder.onnx)
      torch-epoch  s/epoch and peak memory of the K&W model for the native engine, the torch engine and PyTorch
              (bench/peers/torch_train.py), each in its own process, alternating round by round
              options: --epochs N (2)  --rounds N (2)  --threads N (0: all)  --engines native,torch,pytorch
                       --train-size N (native and torch only)  --data DIR
      train-process  whole-process wall time of vae train --epochs N against the same run in PyTorch
              (bench/peers/torch_train.py: loading, the epochs, the test ELBO, a checkpoint), alternating round by round
              options: --epochs N (1)  --rounds N (5)  --threads N (0: all)  --vae PATH (the Release build's)  --data DIR
      mlnet   ML.NET Transform of the 10,000 test digits to latents: EncodeVae (batched) against ApplyOnnxModel, alternating
              options: --model FILE (onnx/encoder.onnx)  --data DIR
    """;

switch (args.FirstOrDefault())
{
    case "gemm":
        GemmBench.Run(args[1..]);
        return 0;
    case "epoch":
        await EpochBench.Run(args[1..]);
        return 0;
    case "gpu-epoch":
        return await GpuEpochBench.Run(args[1..]);
    case "kernels":
        KernelBench.Run();
        return 0;
    case "images":
        ImagesBench.Run(args[1..]);
        return 0;
    case "torch-epoch":
        await TorchEpochBench.Run(args[1..]);
        return 0;
    case "train-process":
        await TrainProcessBench.Run(args[1..]);
        return 0;
    case "mlnet":
        await MlNetBench.Run(args[1..]);
        return 0;
    case "decode":
        DecodeBench.Run(args[1..]);
        return 0;
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
