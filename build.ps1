# Thin wrapper over the dotnet commands in README.md, for PowerShell users (Windows or pwsh on Linux/macOS).
#   ./build.ps1 test           build and run the test suite
#   ./build.ps1 train [args]   train (default: the Kingma & Welling model, 100 epochs) — args go to 'vae train'
#   ./build.ps1 bench [args]   benchmarks that print their numbers (gemm, epoch)
#   ./build.ps1 build          build everything in Release
param([Parameter(Position = 0)][ValidateSet('build', 'test', 'train', 'bench')][string]$Task = 'build',
      [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
switch ($Task) {
    'build' { dotnet build VaePipeline.sln -c Release }
    'test'  { dotnet test VaePipeline.sln -c Release }
    'train' { dotnet run -c Release --project src/Cli -- train @Rest }
    'bench' { dotnet run -c Release --project bench/VaePipeline.Bench -- @Rest }
}
exit $LASTEXITCODE
