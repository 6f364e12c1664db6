namespace VaePipeline.Tests;

/// <summary>
/// The shared/ folder that lives beside the repository (data, fixtures) and is never committed into it.
/// Found through <c>VAE_SHARED_DIR</c>, else as the sibling "shared" of the folder holding VaePipeline.sln,
/// which also works from a git worktree placed beside the main checkout.
/// </summary>
public static class SharedData
{
    public const string Variable = "VAE_SHARED_DIR";

    private static readonly Lazy<string> root = new(Find);
    private static readonly Lazy<string> repository = new(FindRepository);

    /// <summary>The folder holding VaePipeline.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot => repository.Value;

    /// <exception cref="DirectoryNotFoundException">The shared folder cannot be found; the message says how to provide it.</exception>
    public static string Root => root.Value;

    public static string MnistDir => Path.Combine(Root, "data", "mnist");

    public static string MnistPngDir => Path.Combine(Root, "data", "mnist-png");

    public static string FixturesDir => Path.Combine(Root, "fixtures");

    private static string Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment)
                ? Path.GetFullPath(fromEnvironment)
                : throw new DirectoryNotFoundException($"{Variable}={fromEnvironment} is not a folder.");
        }

        string shared = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        return Directory.Exists(shared)
            ? shared
            : throw new DirectoryNotFoundException(
                $"The shared data folder {shared} (beside the repository) does not exist; put it there or set {Variable}.");
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaePipeline.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException(
            $"No VaePipeline.sln above {AppContext.BaseDirectory}, so the shared data folder cannot be found; set {Variable}.");
    }
}
