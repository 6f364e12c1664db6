using System.Runtime.InteropServices;

namespace VaePipeline.Cli.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and a scheduler's SIGTERM, turned into a cancellation the training loop checks at its next step,
/// so it writes a checkpoint before the process exits instead of being killed mid-write.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt, _terminate;

    public StopSignals()
    {
        Action<PosixSignalContext> stop = context =>
        {
            context.Cancel = true;
            _cancel.Cancel();
        };
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop);
    }

    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }
}
