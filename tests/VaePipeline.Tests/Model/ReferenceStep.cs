using System.Text.Json;
using VaePipeline.Model;

namespace VaePipeline.Tests.Model;

/// <summary>One PyTorch float64 training step from ../shared/fixtures: inputs, parameters, gradients, Adam result.</summary>
public sealed class ReferenceStep
{
    public required VaeConfig Config { get; init; }
    public required int Batch { get; init; }
    public required float[] X { get; init; }
    public required float[] Eps { get; init; }
    public required Dictionary<string, double[]> Params { get; init; }
    public required Dictionary<string, double[]> Grads { get; init; }
    public required Dictionary<string, double[]> AdamStep { get; init; }
    public required Dictionary<string, double[]> Expected { get; init; }
    public required double Loss { get; init; }

    public static ReferenceStep Load(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.FixturesDir, fileName)));
        var root = doc.RootElement;
        var config = root.GetProperty("config");
        var expected = root.GetProperty("expected");
        return new ReferenceStep
        {
            Config = new VaeConfig
            {
                Input = config.GetProperty("input_dim").GetInt32(),
                Hidden = config.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                Latent = config.GetProperty("latent").GetInt32(),
                Activation = Enum.Parse<Activation>(config.GetProperty("activation").GetString()!, ignoreCase: true),
                Likelihood = Enum.Parse<Likelihood>(config.GetProperty("likelihood").GetString()!, ignoreCase: true),
            },
            Batch = config.GetProperty("batch").GetInt32(),
            X = ToFloat(Data(root.GetProperty("x"))),
            Eps = ToFloat(Data(root.GetProperty("eps"))),
            Params = Tensors(root.GetProperty("params")),
            Grads = Tensors(root.GetProperty("grads")),
            AdamStep = Tensors(root.GetProperty("adam_step")),
            Expected = expected.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object)
                .ToDictionary(p => p.Name, p => Data(p.Value)),
            Loss = expected.GetProperty("loss").GetDouble(),
        };
    }

    public static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    private static double[] Data(JsonElement tensor) =>
        tensor.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static Dictionary<string, double[]> Tensors(JsonElement group) =>
        group.EnumerateObject().ToDictionary(p => p.Name, p => Data(p.Value));
}
