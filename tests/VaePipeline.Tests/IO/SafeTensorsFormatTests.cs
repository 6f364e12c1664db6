using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

/// <summary>Checks the written bytes against the format description, without going through <see cref="SafeTensors.Read"/>.</summary>
public sealed class SafeTensorsFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WrittenFile_MatchesTheSafetensorsLayout()
    {
        NamedTensor[] tensors =
        [
            new("decoder.weight", [3, 2], new[] { 1.5f, -2.25f, 3f, 0.1f, -0f, 1e-30f }),
            new("scalar", [], new[] { 42f }),
            new("empty", [2, 0], ReadOnlyMemory<float>.Empty),
            new("bias", [3], new[] { -1f, float.MaxValue, float.MinValue }),
        ];
        string path = _dir.File("m.safetensors");

        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        byte[] file = File.ReadAllBytes(path);
        long headerLength = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(file));
        long dataStart = 8 + headerLength;
        Assert.Equal(0, dataStart % 8);
        Assert.True(dataStart <= file.Length);

        string headerText = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.StartsWith("{", headerText);
        string json = headerText.TrimEnd(' ');
        Assert.EndsWith("}", json);
        Assert.True(headerLength - json.Length < 8, "padding is more than needed for alignment");

        using JsonDocument header = JsonDocument.Parse(json);
        JsonProperty[] entries = header.RootElement.EnumerateObject().ToArray();
        Assert.Equal("__metadata__", entries[0].Name);
        Assert.Equal("pt", entries[0].Value.GetProperty("format").GetString());
        Assert.Equal(tensors.Select(t => t.Name), entries.Skip(1).Select(e => e.Name));

        long expectedBegin = 0;
        foreach ((NamedTensor tensor, JsonProperty entry) in tensors.Zip(entries.Skip(1)))
        {
            Assert.Equal(["data_offsets", "dtype", "shape"], entry.Value.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            Assert.Equal(tensor.Shape, entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            Assert.Equal([expectedBegin, expectedBegin + 4L * tensor.Data.Length], offsets);

            float[] decoded = new float[tensor.Data.Length];
            for (int i = 0; i < decoded.Length; i++)
                decoded[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan((int)(dataStart + offsets[0] + 4 * i), 4));
            Assert.Equal(tensor.Data.ToArray(), decoded);
            expectedBegin = offsets[1];
        }
        Assert.Equal(file.Length - dataStart, expectedBegin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abcdefghijklm")]
    public void HeaderIsPaddedSoDataIsAligned_ForAnyNameLength(string name)
    {
        string path = _dir.File("m.safetensors");

        SafeTensors.Write(path, [new NamedTensor("w" + name, [1], new[] { 7f })]);

        byte[] file = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal(7f, BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(8 + (int)headerLength)));
        Assert.Equal(8 + (int)headerLength + 4, file.Length);
    }
}
