using System.Reflection;
using VaePipeline.Tests.Engine.Gpu;
using Xunit.Sdk;

namespace VaePipeline.GpuCheck;

/// <summary>
/// Runs the GPU tests compiled into this program as xunit would, without the SDK's test host: every [Fact] and every
/// row of every [Theory] (InlineData, MemberData) of the classes in the GPU tests' namespace, one at a time, the
/// collection's <see cref="GpuTestDevice"/> given to the classes that take it. Prints a line per test and
/// "N passed, N failed".
/// </summary>
internal static class TestRunner
{
    public static int Run()
    {
        using var device = new GpuTestDevice();
        Console.WriteLine($"GPU tests on {device.Backend.Description}");
        int passed = 0, failed = 0;
        var classes = typeof(GpuTestDevice).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(GpuTestDevice).Namespace && t.IsClass && !t.IsAbstract)
            .OrderBy(t => t.Name);
        foreach (var type in classes)
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null).OrderBy(m => m.Name))
                foreach (var row in Rows(method))
                {
                    string name = $"{type.Name}.{method.Name}({string.Join(", ", row.Select(a => a?.ToString() ?? "null"))})";
                    try
                    {
                        var ctor = type.GetConstructors().Single();
                        var instance = ctor.Invoke(ctor.GetParameters().Length == 0 ? [] : [device]);
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

    private static IEnumerable<object?[]> Rows(MethodInfo method)
    {
        var data = method.GetCustomAttributes<DataAttribute>().ToArray();
        if (data.Length == 0) return [[]];
        return data.SelectMany(d => d.GetData(method));
    }
}
