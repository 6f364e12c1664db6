using System.Diagnostics;
using System.Runtime.Versioning;
using VaePipeline.Model;

namespace VaePipeline.Tests.Cli;

/// <summary>
/// How <c>vae encode</c> walks a folder on Linux: links to folders are not followed, only regular files are opened,
/// and whatever it cannot look into is named on stderr with exit code 2 while the rest is encoded.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class EncodeFolderWalkTests(MnistPngFolder png) : IClassFixture<MnistPngFolder>
{
    private static readonly string Model = Path.Combine(SharedData.RepositoryRoot, "onnx", OnnxContract.EncoderFile);

    [Fact]
    public void Links_to_folders_are_not_followed_while_links_to_files_are_read()
    {
        using var dir = new TempDirectory();
        string a = Path.Combine(dir.Path, "l", "a");
        Directory.CreateDirectory(a);
        File.Copy(png.File(0), Path.Combine(a, "good.png"));
        // Two links to their own folder made the walk enumerate exponentially; one listed the image 41 times.
        Directory.CreateSymbolicLink(Path.Combine(a, "s1"), ".");
        Directory.CreateSymbolicLink(Path.Combine(a, "s2"), ".");
        File.CreateSymbolicLink(Path.Combine(a, "link.png"), "good.png");

        var result = VaeProcess.Run("encode", dir.File("l"), "--model", Model, "--out", dir.File("latents.csv"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["path,mu_0,mu_1,log_sigma_0,log_sigma_1", "a/good.png", "a/link.png"],
            File.ReadAllLines(dir.File("latents.csv")).Select((line, i) => i == 0 ? line : line.Split(',')[0]));
        Assert.Contains("not followed", VaeProcess.Run("encode", "--help").Output);
    }

    [Fact]
    public void A_fifo_named_like_an_image_is_reported_and_skipped_instead_of_blocking()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images");
        Directory.CreateDirectory(images);
        File.Copy(png.File(0), Path.Combine(images, "good.png"));
        Shell("mkfifo \"$1/x.png\"", images);

        var result = VaeProcess.Run("encode", images, "--model", Model, "--out", dir.File("latents.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"skipped {Path.Combine(images, "x.png")}: a FIFO (named pipe), not a regular file; only regular files are read\n", result.Error);
        Assert.Equal(2, File.ReadAllLines(dir.File("latents.csv")).Length);
    }

    [Fact]
    public void A_name_that_is_not_utf8_is_named_as_such_for_files_and_folders()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images");
        Directory.CreateDirectory(images);
        File.Copy(png.File(0), Path.Combine(images, "good.png"));
        Shell("cp \"$2\" \"$1/bad-$(printf '\\377').png\" && mkdir \"$1/dir-$(printf '\\376')\" && cp \"$2\" \"$1/dir-$(printf '\\376')/in.png\"", images, png.File(1));

        var result = VaeProcess.Run("encode", images, "--model", Model, "--out", dir.File("latents.csv"));
        Shell("rm -r \"$1\"", images); // .NET cannot delete what it cannot name

        Assert.Equal(2, result.ExitCode);
        string[] errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"skipped {images}/bad-\uFFFD.png", $"skipped {images}/dir-\uFFFD"], errors.Select(e => e[..e.IndexOf(": ")]).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.EndsWith("the name is not valid UTF-8 (shown with U+FFFD), so it cannot be opened; rename it", e));
        Assert.Equal(2, File.ReadAllLines(dir.File("latents.csv")).Length);
    }

    [Fact]
    public void Folders_that_cannot_be_listed_are_named_and_the_rest_is_encoded()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images"), locked = Path.Combine(images, "locked");
        Directory.CreateDirectory(locked);
        File.Copy(png.File(0), Path.Combine(images, "good.png"));
        File.Copy(png.File(1), Path.Combine(locked, "hidden.png"));
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111); // the other user writes the output here
        File.SetUnixFileMode(locked, UnixFileMode.None);

        var result = AsOtherUser(dir, "encode", images, "--model", Model, "--out", dir.File("latents.csv"));
        var top = AsOtherUser(dir, "encode", locked, "--model", Model, "--out", dir.File("none.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"skipped {locked}: the folder cannot be listed: ", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, File.ReadAllLines(dir.File("latents.csv")).Length);
        Assert.Equal(1, top.ExitCode);
        Assert.Equal([$"skipped {locked}", "error"], top.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(e => e[..e.IndexOf(':')]));
        Assert.Contains("no images to encode: 1 entry could not be read", top.Error);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// Runs vae as a user whom permissions bind: root reads everything, so as root it runs as nobody, with a home in
    /// <paramref name="dir"/> (ONNX Runtime warns on stderr when it cannot keep its telemetry id in nobody's none).
    /// </summary>
    private static VaeProcess.Result AsOtherUser(TempDirectory dir, params string[] args)
    {
        string[]? launcher = Environment.UserName == "root"
            ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", $"HOME={dir.Path}"] : null;
        using var process = VaeProcess.Start(args, launcher);
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new VaeProcess.Result(process.ExitCode, output.Result, error);
    }

    private static void Shell(string script, params string[] args)
    {
        using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", script, "sh", .. args]))!;
        shell.WaitForExit();
        Assert.Equal(0, shell.ExitCode);
    }
}
