namespace VaePipeline.Tests.Data;

/// <summary>
/// A <see cref="LocalHttpServer"/> posing as several MNIST mirrors, one per path prefix:
/// /good/ serves the real files from shared/, /missing/ answers 404, /broken-gzip/ serves them with a byte flipped
/// in the compressed stream, /wrong-content/ serves valid gzip of content with one byte changed.
/// </summary>
internal sealed class MnistMirrors : IAsyncDisposable
{
    private readonly LocalHttpServer server;

    public MnistMirrors() => server = new LocalHttpServer(Respond);

    public Uri Good => server.Url("/good/");
    public Uri Missing => server.Url("/missing/");
    public Uri BrokenGzip => server.Url("/broken-gzip/");
    public Uri WrongContent => server.Url("/wrong-content/");

    public IReadOnlyCollection<string> Requests => server.Requests;

    public ValueTask DisposeAsync() => server.DisposeAsync();

    public static byte[] Original(string gzName) => File.ReadAllBytes(Path.Combine(SharedData.MnistDir, gzName));

    private static byte[]? Respond(string path)
    {
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !File.Exists(Path.Combine(SharedData.MnistDir, parts[1])))
            return null;
        byte[] original = Original(parts[1]);
        switch (parts[0])
        {
            case "good":
                return original;
            case "broken-gzip":
                original[original.Length / 2] ^= 0x55;
                return original;
            case "wrong-content":
                byte[] content = IdxBytes.Gunzip(Path.Combine(SharedData.MnistDir, parts[1]));
                content[^1] ^= 0x01;
                return IdxBytes.Gzip(content);
            default:
                return null;
        }
    }
}
