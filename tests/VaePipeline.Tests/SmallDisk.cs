using System.Diagnostics;

namespace VaePipeline.Tests;

/// <summary>A tmpfs of a given size mounted on a fresh folder, for filling a disk on purpose; unmounted on dispose.</summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly TempDirectory _mountPoint = new();

    public SmallDisk(int kilobytes)
    {
        if (Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", _mountPoint.Path) is { } error)
        {
            _mountPoint.Dispose();
            throw new InvalidOperationException($"mount failed: {error}");
        }
    }

    public string Path => _mountPoint.Path;

    /// <summary>Null when this process may mount a tmpfs (root with CAP_SYS_ADMIN, on Linux), else why not.</summary>
    public static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs needs Linux";
        try
        {
            using var probe = new SmallDisk(64);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return e.Message;
        }
    });

    public void Dispose()
    {
        Run("umount", _mountPoint.Path);
        _mountPoint.Dispose();
    }

    /// <returns>Null on success, else the command's error output.</returns>
    private static string? Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error.Trim();
    }
}

/// <summary>A fact that needs <see cref="SmallDisk"/>: skipped, with the reason, where tmpfs cannot be mounted.</summary>
internal sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.Unavailable.Value is { } reason) Skip = $"cannot mount a small tmpfs here ({reason})";
    }
}
