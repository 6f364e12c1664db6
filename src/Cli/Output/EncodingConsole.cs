using System.Runtime.CompilerServices;
using Spectre.Console;

namespace VaePipeline.Cli.Output;

/// <summary>A progress bar for <c>vae encode</c> where a person watches; nothing at all when output is redirected.</summary>
internal static class EncodingConsole
{
    /// <param name="work">Runs the encoding, reporting finished files to the callback it is given (null: nobody watches).</param>
    public static T Run<T>(int total, Func<Action<int>?, T> work)
    {
        // A redirected run (a script, a log, the timing) neither draws nor loads Spectre.Console, which costs startup time.
        return Console.IsOutputRedirected || Console.IsErrorRedirected ? work(null) : WithBar(total, work);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // inlined, it would load Spectre.Console for the redirected case too
    private static T WithBar<T>(int total, Func<Action<int>?, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return work(null);
        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("encoding", maxValue: total);
                return work(done => task.Increment(done));
            });
    }
}
