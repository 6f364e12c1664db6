using System.Runtime.InteropServices;

namespace VaePipeline.Cli.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and a scheduler's SIGTERM while the training loop runs, turned into a cancellation the loop checks
/// at its next step, so it writes a checkpoint before the process exits instead of being killed mid-write.
/// Create it only when the loop is about to run: before that nothing would check the token, so a signal must keep its
/// default action and end the process. A second signal ends it too, for a loop that never reaches its next step
/// (say, a write blocked on a dead network disk); the checkpoint on disk is then still the last complete one.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt, _terminate;

    public StopSignals()
    {
        Action<PosixSignalContext> stop = context =>
        {
            context.Cancel = !_cancel.IsCancellationRequested;
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
