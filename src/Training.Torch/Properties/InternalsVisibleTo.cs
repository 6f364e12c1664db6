using System.Runtime.CompilerServices;

// The tests take one step through the module and TorchAdam directly, to compare gradients with the native engine's.
[assembly: InternalsVisibleTo("VaePipeline.Tests")]
