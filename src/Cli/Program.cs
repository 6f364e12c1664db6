using System.CommandLine;
using VaePipeline.Cli.Commands;

var root = new RootCommand(
    "VaePipeline: train the Kingma & Welling variational autoencoder on MNIST, and score what it learned.\n" +
    "Run 'vae train' for the K&W model (784-500-2, tanh, Bernoulli, Adam) with everything at its defaults.")
{
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    ExportCommand.Create(),
    EncodeCommand.Create(),
    DecodeCommand.Create(),
    ReportCommand.Create(),
    CompleteCommand.Create(),
    SweepCommand.Create(),
};
// Ctrl+C is handled by the commands themselves (a checkpoint is written first), so no forced termination timeout.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
