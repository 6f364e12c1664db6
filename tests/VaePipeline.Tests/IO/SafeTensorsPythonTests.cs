using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

/// <summary>
/// Cross-checks against an independent implementation: a few lines of stdlib Python (json + struct)
/// that follow the format description. python3 is part of the build image, so its absence is a
/// failure, not a skip.
/// </summary>
public sealed class SafeTensorsPythonTests : IDisposable
{
    // Prints, per tensor, its dtype, shape, plain sum and position-weighted sum (which also catches
    // values landing in the wrong place). Summing float32 values into a double in index order is
    // exact-reproducible, so C# can compare for equality.
    private const string ReaderScript = """
        import json, struct, sys
        blob = open(sys.argv[1], "rb").read()
        (n,) = struct.unpack_from("<Q", blob, 0)
        header = json.loads(blob[8:8 + n].decode("utf-8"))
        out = {"metadata": header.pop("__metadata__", {}), "tensors": {}, "data_start": 8 + n}
        for name, info in header.items():
            begin, end = info["data_offsets"]
            values = struct.unpack_from("<%df" % ((end - begin) // 4), blob, 8 + n + begin)
            out["tensors"][name] = {
                "dtype": info["dtype"], "shape": info["shape"], "count": len(values),
                "sum": sum(values), "weighted": sum((i + 1) * v for i, v in enumerate(values)),
            }
        print(json.dumps(out))
        """;

    // Writes a file the way the reference library does (data ordered by name, header padded to 8),
    // but with header keys deliberately not in data order.
    private const string WriterScript = """
        import json, struct, sys
        tensors = {"b": ([2, 2], [1.5, -2.0, 3.25, 4.0]), "a": ([3], [0.5, 0.25, -8.0]), "s": ([], [9.0])}
        header, data = {"__metadata__": {"format": "pt"}}, b""
        for name in sorted(tensors):
            shape, values = tensors[name]
            packed = struct.pack("<%df" % len(values), *values)
            header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(packed)]}
            data += packed
        header = dict(reversed(list(header.items())))
        text = json.dumps(header).encode("utf-8")
        text += b" " * (-len(text) % 8)
        open(sys.argv[1], "wb").write(struct.pack("<Q", len(text)) + text + data)
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PythonReadsWhatWeWrite()
    {
        var random = new Random(11);
        NamedTensor[] tensors =
        [
            new("encoder.conv1.weight", [4, 3, 3, 3], RandomValues(random, 108)),
            new("encoder.conv1.bias", [4], RandomValues(random, 4)),
            new("log_scale", [], new[] { -1.25f }),
            new("unused", [0, 5], ReadOnlyMemory<float>.Empty),
        ];
        string path = _dir.File("model.safetensors");
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" });

        using JsonDocument report = JsonDocument.Parse(RunPython(ReaderScript, path));

        JsonElement root = report.RootElement;
        Assert.Equal(0, root.GetProperty("data_start").GetInt32() % 8);
        Assert.Equal("pt", root.GetProperty("metadata").GetProperty("format").GetString());
        Assert.Equal("3", root.GetProperty("metadata").GetProperty("epoch").GetString());
        JsonElement seen = root.GetProperty("tensors");
        Assert.Equal(tensors.Select(t => t.Name), seen.EnumerateObject().Select(p => p.Name));
        foreach (NamedTensor tensor in tensors)
        {
            JsonElement python = seen.GetProperty(tensor.Name);
            Assert.Equal("F32", python.GetProperty("dtype").GetString());
            Assert.Equal(tensor.Shape, python.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal(tensor.Data.Length, python.GetProperty("count").GetInt32());
            (double sum, double weighted) = Sums(tensor.Data.Span);
            Assert.Equal(sum, python.GetProperty("sum").GetDouble());
            Assert.Equal(weighted, python.GetProperty("weighted").GetDouble());
        }
    }

    [Fact]
    public void WeReadWhatPythonWrites()
    {
        string path = _dir.File("from-python.safetensors");
        RunPython(WriterScript, path);

        SafeTensorsFile file = SafeTensors.Read(path);

        Assert.Equal(["a", "b", "s"], file.Tensors.Select(t => t.Name)); // data order, not header order
        Assert.Equal([3], file["a"].Shape);
        Assert.Equal([0.5f, 0.25f, -8f], file["a"].Data);
        Assert.Equal([2, 2], file["b"].Shape);
        Assert.Equal([1.5f, -2f, 3.25f, 4f], file["b"].Data);
        Assert.Empty(file["s"].Shape);
        Assert.Equal([9f], file["s"].Data);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    private static float[] RandomValues(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (random.NextSingle() - 0.5f) * 10).ToArray();

    private static (double Sum, double Weighted) Sums(ReadOnlySpan<float> values)
    {
        double sum = 0, weighted = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            weighted += (i + 1) * (double)values[i];
        }
        return (sum, weighted);
    }

    /// <summary>Runs <paramref name="script"/> with python3 and returns its standard output.</summary>
    private static string RunPython(string script, string argument)
    {
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { "-c", script, argument },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "python3 was not found on PATH. It is required for the safetensors interoperability tests (stdlib only).", e);
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                throw new TimeoutException("python3 did not finish within 30 seconds.");
            }
            Assert.True(process.ExitCode == 0, $"python3 exited with {process.ExitCode}:\n{stderr.Result}");
            return stdout.Result;
        }
    }
}
