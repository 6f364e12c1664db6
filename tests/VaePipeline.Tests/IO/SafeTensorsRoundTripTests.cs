using System.Runtime.InteropServices;
using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SeveralTensorsAndMetadata_ReadBackBitExactInWrittenOrder()
    {
        // Data comes from one shared buffer, as parameters do in the engine, so slices with offsets are exercised.
        float[] parameters = new float[64];
        for (int i = 0; i < parameters.Length; i++)
            parameters[i] = (i - 20) * 0.37f;
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue];
        NamedTensor[] written =
        [
            new("encoder.weight", [2, 3], parameters.AsMemory(1, 6)),
            new("a.bias", [4], parameters.AsMemory(7, 4)),
            new("step", [], new[] { 1234f }),
            new("empty", [0], ReadOnlyMemory<float>.Empty),
            new("z.conv", [2, 1, 3], special),
        ];
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["note"] = "quotes \" backslash \\ newline \n unicode é✓",
        };
        string path = _dir.File("model.safetensors");

        SafeTensors.Write(path, written, metadata);
        SafeTensorsFile file = SafeTensors.Read(path);

        Assert.Equal(written.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        foreach (NamedTensor expected in written)
        {
            LoadedTensor actual = file[expected.Name];
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(Bits(expected.Data.Span), Bits(actual.Data));
        }
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(path, file.Path);
        Assert.Equal(["model.safetensors"], _dir.EntryNames());
    }

    [Fact]
    public void WithoutMetadata_ReadsEmptyMetadata()
    {
        string path = _dir.File("m.safetensors");

        SafeTensors.Write(path, [new NamedTensor("w", [1], new[] { 2f })]);

        Assert.Empty(SafeTensors.Read(path).Metadata);
    }

    [Fact]
    public void NoTensors_RoundTrips()
    {
        string path = _dir.File("m.safetensors");

        SafeTensors.Write(path, [], new Dictionary<string, string> { ["epoch"] = "0" });
        SafeTensorsFile file = SafeTensors.Read(path);

        Assert.Empty(file.Tensors);
        Assert.Equal("0", file.Metadata["epoch"]);
    }

    [Fact]
    public void LargeTensor_RoundTrips()
    {
        var data = new float[3_000_000];
        var random = new Random(7);
        for (int i = 0; i < data.Length; i++)
            data[i] = random.NextSingle() - 0.5f;
        string path = _dir.File("big.safetensors");

        SafeTensors.Write(path, [new NamedTensor("w", [1000, 3000], data), new NamedTensor("b", [3], new[] { 1f, 2f, 3f })]);
        SafeTensorsFile file = SafeTensors.Read(path);

        Assert.Equal(Bits(data), Bits(file["w"].Data));
        Assert.Equal([1f, 2f, 3f], file["b"].Data);
    }

    [Fact]
    public void Write_ReplacesPreviousCheckpoint()
    {
        string path = _dir.File("m.safetensors");
        SafeTensors.Write(path, [new NamedTensor("old", [2], new[] { 1f, 2f })]);

        SafeTensors.Write(path, [new NamedTensor("new", [1], new[] { 3f })]);

        LoadedTensor only = Assert.Single(SafeTensors.Read(path).Tensors);
        Assert.Equal("new", only.Name);
        Assert.Equal(["m.safetensors"], _dir.EntryNames());
    }

    [Fact]
    public void Indexer_UnknownName_ThrowsNamingTensorAndFile()
    {
        string path = _dir.File("m.safetensors");
        SafeTensors.Write(path, [new NamedTensor("w", [1], new[] { 2f })]);
        SafeTensorsFile file = SafeTensors.Read(path);

        var error = Assert.Throws<KeyNotFoundException>(() => file["missing"]);

        Assert.Contains("'missing'", error.Message);
        Assert.Contains(path, error.Message);
        Assert.False(file.TryGet("missing", out _));
        Assert.True(file.TryGet("w", out LoadedTensor? w));
        Assert.Equal([2f], w.Data);
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
