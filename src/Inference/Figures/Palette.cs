namespace VaePipeline.Inference.Figures;

/// <summary>Colours shared by the figures, so one category looks the same wherever it is drawn.</summary>
public static class Palette
{
    /// <summary>Tableau's ten categorical colours: distinct from one another, and none too pale on white.</summary>
    public static readonly IReadOnlyList<string> Categorical =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#17becf"];
}
