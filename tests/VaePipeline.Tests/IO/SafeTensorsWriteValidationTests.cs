using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

public sealed class SafeTensorsWriteValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, NamedTensor[], string> InvalidInputs => new()
    {
        { "empty name", [new("", [1], new[] { 1f })], "non-empty" },
        { "reserved name", [new("__metadata__", [1], new[] { 1f })], "reserved" },
        { "duplicate name", [new("w", [1], new[] { 1f }), new("w", [1], new[] { 2f })], "Duplicate tensor name 'w'" },
        { "too few values", [new("w", [2, 3], new float[5])], "shape [2, 3] but 5 values" },
        { "too many values", [new("w", [], new float[2])], "shape [] but 2 values" },
        { "negative dimension", [new("w", [-1, -2], new float[2])], "negative dimension" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public void InvalidInput_ThrowsAndLeavesExistingFileUntouched(string description, NamedTensor[] tensors, string expectedMessage)
    {
        string path = _dir.File("m.safetensors");
        File.WriteAllText(path, "previous checkpoint");

        var error = Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, tensors));

        Assert.True(error.Message.Contains(expectedMessage, StringComparison.Ordinal), $"{description}: {error.Message}");
        Assert.Equal("previous checkpoint", File.ReadAllText(path));
        Assert.Equal(["m.safetensors"], _dir.EntryNames());
    }
}
