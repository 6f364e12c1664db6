using System.CommandLine;
using System.Text.Json;

namespace VaePipeline.Cli.Commands;

/// <summary>An option over an enum, spelled in kebab case on the command line (monte-carlo for MonteCarlo).</summary>
internal static class EnumOption
{
    public static Option<T> Create<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        var names = Enum.GetValues<T>().ToDictionary(Spell);
        return new Option<T>(name)
        {
            Description = $"{description} One of: {string.Join(", ", names.Keys)}.",
            HelpName = string.Join("|", names.Keys),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (names.TryGetValue(token.ToLowerInvariant(), out var value)) return value;
                result.AddError($"{name}: '{token}' is not one of {string.Join(", ", names.Keys)}");
                return defaultValue;
            },
        };
    }

    public static string Spell<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
