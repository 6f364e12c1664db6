using System.CommandLine;
using System.Text.Json;

namespace VaePipeline.Cli.Commands;

/// <summary>An option over an enum, spelled in kebab case on the command line (monte-carlo for MonteCarlo).</summary>
internal static class EnumOption
{
    public static Option<Spelled<T>> Create<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        var names = Enum.GetValues<T>().ToDictionary(Spell, v => new Spelled<T>(v));
        return new Option<Spelled<T>>(name)
        {
            Description = $"{description} One of: {string.Join(", ", names.Keys)}.",
            HelpName = string.Join("|", names.Keys),
            DefaultValueFactory = _ => new(defaultValue),
            CustomParser = result =>
            {
                string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (names.TryGetValue(token.ToLowerInvariant(), out var value)) return value;
                result.AddError($"{name}: '{token}' is not one of {string.Join(", ", names.Keys)}");
                return new(defaultValue);
            },
        };
    }

    public static string Spell<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

/// <summary>An enum value that prints as it is typed, so that help shows <c>[default: log-sigma]</c>, not <c>LogSigma</c>.</summary>
internal readonly record struct Spelled<T>(T Value) where T : struct, Enum
{
    public override string ToString() => EnumOption.Spell(Value);
}
