using System.Reflection;
using Xunit.Sdk;

namespace VaePipeline.Tools;

/// <summary>
/// Runs tests compiled into a check program as xunit would, without the SDK's test host (tools/gpu and tools/arm64 run
/// where there is none): every [Fact] and every row of every [Theory] (InlineData, MemberData) of the given classes,
/// one at a time, a class whose constructor takes a parameter given <c>fixture</c>. Prints a line per test and
/// "N passed, N failed"; returns 0 only when every test passed and there was at least one.
/// </summary>
internal static class TestRunner
{
    public static int Run(IEnumerable<Type> classes, object? fixture = null)
    {
        int passed = 0, failed = 0;
        foreach (var type in classes.Where(t => t.IsClass && !t.IsAbstract).OrderBy(t => t.FullName))
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null).OrderBy(m => m.Name))
                foreach (var row in Rows(method).Select(r => Convert(method, r)))
                {
                    string name = $"{type.Name}.{method.Name}({string.Join(", ", row.Select(a => a?.ToString() ?? "null"))})";
                    try
                    {
                        var ctor = type.GetConstructors().Single();
                        var instance = ctor.Invoke(ctor.GetParameters().Length == 0 ? [] : [fixture]);
                        try { method.Invoke(instance, row); }
                        finally { (instance as IDisposable)?.Dispose(); }
                        passed++;
                        Console.WriteLine($"PASS {name}");
                    }
                    catch (TargetInvocationException e)
                    {
                        failed++;
                        Console.WriteLine($"FAIL {name}: {e.InnerException?.Message}");
                    }
                }
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    /// <summary>The classes of <paramref name="assembly"/> in namespace <paramref name="ns"/> exactly.</summary>
    public static IEnumerable<Type> In(Assembly assembly, string ns) => assembly.GetTypes().Where(t => t.Namespace == ns);

    /// <summary>
    /// Each argument as its parameter's type where a number literal's type differs from it (an int literal for a uint
    /// parameter), as xunit converts them.
    /// </summary>
    private static object?[] Convert(MethodInfo method, object?[] row)
    {
        var parameters = method.GetParameters();
        return row.Select((arg, i) =>
        {
            Type target = Nullable.GetUnderlyingType(parameters[i].ParameterType) ?? parameters[i].ParameterType;
            return arg is IConvertible && target.IsPrimitive && arg.GetType() != target
                ? System.Convert.ChangeType(arg, target, System.Globalization.CultureInfo.InvariantCulture)
                : arg;
        }).ToArray();
    }

    private static IEnumerable<object?[]> Rows(MethodInfo method)
    {
        var data = method.GetCustomAttributes<DataAttribute>().ToArray();
        if (data.Length == 0) return [[]];
        return data.SelectMany(d => d.GetData(method));
    }
}
