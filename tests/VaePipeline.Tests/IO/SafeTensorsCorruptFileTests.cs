using System.Buffers.Binary;
using System.Text;
using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

public sealed class SafeTensorsCorruptFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Each row: a header (used verbatim, after the correct length prefix), the size of the data buffer
    // after it, and a fragment the error message must contain.
    [Theory]
    [InlineData("""{"a": {"dtype": "F32", """, 0, "not valid JSON")]
    [InlineData("", 0, "not valid JSON")]
    [InlineData("[1, 2]", 0, "must be a JSON object, found Array")]
    [InlineData("""{"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}""", 4, "unsupported dtype \"F16\"")]
    [InlineData("""{"a": {"dtype": 32, "shape": [1], "data_offsets": [0, 4]}}""", 4, "unsupported dtype 32")]
    [InlineData("""{"a": 5}""", 0, "tensor 'a' must be an object, found Number")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1]}}""", 4, "needs the fields")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "extra": 1}}""", 4, "unexpected field 'extra'")]
    [InlineData("""{"a": {"dtype": "F32", "dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 4, "field 'dtype' more than once")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", 4, "shape [-1] must be an array of non-negative integers")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}""", 4, "non-negative integers")]
    [InlineData("""{"a": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}}""", 4, "non-negative integers")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [65536, 65536], "data_offsets": [0, 4]}}""", 4, "more elements than an array can hold")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}""", 4, "must be [begin, end]")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}""", 4, "must be [begin, end]")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}}""", 4, "end before they begin")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 4, "run past the end of the 4-byte data buffer")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", 8, "needs 12 bytes but data_offsets [0, 8] span 8")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12, "overlap tensor 'a'")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 4, "overlap tensor")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}""", 12, "bytes [4, 8) of the data buffer belong to no tensor")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8, "bytes [0, 4) of the data buffer belong to no tensor")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 8, "bytes [4, 8) at the end of the data buffer belong to no tensor")]
    [InlineData("""{}""", 4, "bytes [0, 4) at the end")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 4, "key 'a' more than once")]
    [InlineData("""{"": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 4, "empty name")]
    [InlineData("""{"__metadata__": {"epoch": 3}}""", 0, "values must be strings; 'epoch' is Number")]
    [InlineData("""{"__metadata__": ["pt"]}""", 0, "'__metadata__' must be an object")]
    [InlineData("""{"__metadata__": {"note": "\ud800"}}""", 0, "not valid Unicode")]
    public void InvalidHeader_IsRejected(string header, int bufferLength, string expectedProblem)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        string path = WriteFile(Prefix((ulong)headerBytes.Length), headerBytes, new byte[bufferLength]);

        AssertRejected(path, expectedProblem);
    }

    [Fact]
    public void HeaderWithInvalidUtf8_IsRejected()
    {
        byte[] header = [.. "{\"a"u8, 0xFF, .. "\": {}}"u8];
        string path = WriteFile(Prefix((ulong)header.Length), header);

        AssertRejected(path, "not valid Unicode");
    }

    [Fact]
    public void FileShorterThanLengthPrefix_IsRejected()
    {
        string path = WriteFile([1, 0, 0]);

        AssertRejected(path, "the file is 3 bytes, too short for the 8-byte header length");
    }

    [Fact]
    public void EmptyFile_IsRejected()
    {
        string path = WriteFile([]);

        AssertRejected(path, "the file is 0 bytes");
    }

    [Fact]
    public void HeaderLengthPastEndOfFile_IsRejected()
    {
        string path = WriteFile(Prefix(1000), "{}"u8.ToArray());

        AssertRejected(path, "header length 1000 runs past the end of the 10-byte file");
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(ulong.MaxValue)]
    public void AbsurdHeaderLength_IsRejectedBeforeAllocating(ulong declared)
    {
        string path = WriteFile(Prefix(declared), "{}"u8.ToArray());

        AssertRejected(path, $"header length {declared} exceeds the 100000000-byte limit");
    }

    [Fact]
    public void ValidFileCutShort_IsRejectedAsTruncated()
    {
        string path = _dir.File("m.safetensors");
        SafeTensors.Write(path, [new NamedTensor("a", [2], new[] { 1f, 2f }), new NamedTensor("b", [3], new[] { 3f, 4f, 5f })]);
        byte[] complete = File.ReadAllBytes(path);
        File.WriteAllBytes(path, complete[..^2]);

        AssertRejected(path, "tensor 'b' data_offsets [8, 20] run past the end of the 18-byte data buffer (file truncated?)");
    }

    [Fact]
    public void ValidFileCutInsideHeader_IsRejectedAsTruncated()
    {
        string path = _dir.File("m.safetensors");
        SafeTensors.Write(path, [new NamedTensor("a", [2], new[] { 1f, 2f })]);
        byte[] complete = File.ReadAllBytes(path);
        File.WriteAllBytes(path, complete[..20]);

        AssertRejected(path, "runs past the end of the 20-byte file (truncated?)");
    }

    private static void AssertRejected(string path, string expectedProblem)
    {
        var error = Assert.Throws<SafeTensorsException>(() => SafeTensors.Read(path));

        Assert.Equal(path, error.Path);
        Assert.StartsWith($"Invalid safetensors file '{path}': ", error.Message);
        Assert.Contains(expectedProblem, error.Problem);
    }

    private static byte[] Prefix(ulong headerLength)
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, headerLength);
        return prefix;
    }

    private string WriteFile(params byte[][] parts)
    {
        string path = _dir.File("corrupt.safetensors");
        File.WriteAllBytes(path, parts.SelectMany(p => p).ToArray());
        return path;
    }
}
