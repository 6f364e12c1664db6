# Thin wrapper over the dotnet commands in README.md, for PowerShell users (Windows, or pwsh on Linux/macOS).
# pwsh itself is pinned in .config/dotnet-tools.json: `dotnet tool restore`, then `dotnet pwsh ./build.ps1 …`.
# CI (.ci/run) runs `build.ps1 test` this way, so the script is exercised on every submission.
#   ./build.ps1 test [args]    build and run the test suite (args go to 'dotnet test', e.g. --filter)
#   ./build.ps1 train [args]   train (default: the Kingma & Welling model, 100 epochs) — args go to 'vae train'
#   ./build.ps1 bench [args]   benchmarks that print their numbers (gemm, epoch, torch-epoch, …)
#   ./build.ps1 build          build everything in Release
param([Parameter(Position = 0)][ValidateSet('build', 'test', 'train', 'bench')][string]$Task = 'build',
      [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
switch ($Task) {
    'build' { dotnet build VaePipeline.sln -c Release }
    'test'  { dotnet test VaePipeline.sln -c Release @Rest }
    'train' { dotnet run -c Release --project src/Cli -- train @Rest }
    'bench' { dotnet run -c Release --project bench/VaePipeline.Bench -- @Rest }
}
# A native command's failure does not stop the script: its exit code is what the caller (CI) sees.
exit $LASTEXITCODE
