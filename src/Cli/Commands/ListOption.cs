using System.CommandLine;
using System.Globalization;

namespace VaePipeline.Cli.Commands;

/// <summary>Options that take a comma-separated list (--hidden 256,128, --betas 0.1,1), each item checked as it is parsed.</summary>
internal static class ListOption
{
    /// <param name="what">What an item must be, for the error message: "a positive layer width".</param>
    public static Option<T[]> Create<T>(string name, string description, T[] defaults, Func<T, bool> valid, string what) where T : ISpanParsable<T> =>
        new(name)
        {
            Description = description,
            HelpName = "N[,N…]",
            DefaultValueFactory = _ => defaults,
            CustomParser = result =>
            {
                var parts = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray();
                var values = new T[parts.Length];
                for (int i = 0; i < parts.Length; i++)
                    if (!T.TryParse(parts[i], CultureInfo.InvariantCulture, out values[i]!) || !valid(values[i]))
                        result.AddError($"{name}: '{parts[i]}' is not {what}");
                return values;
            },
        };
}
