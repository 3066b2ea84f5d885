using System.Reflection;

namespace Lepton.Serving.Tests;

/// <summary>The server's place in the project order: it serves Lepton.Runtime predictors and never reaches training code.</summary>
public class ProjectTests
{
    [Fact]
    public void Serving_ReachesNoTrainingAssembly_DirectlyOrThroughItsReferences()
    {
        var reached = Closure(typeof(ServingAssembly).Assembly);
        Assert.Contains("Lepton.Runtime", reached);
        Assert.Contains("Lepton.Registry", reached);
        Assert.DoesNotContain(reached, name => name.StartsWith("Lepton.Training", StringComparison.Ordinal));
        Assert.DoesNotContain("Spectre.Console", reached);
    }

    [Fact]
    public void Registry_ReferencesNoTrainingAssembly()
    {
        var reached = Closure(typeof(Registry.ModelRegistry).Assembly);
        Assert.DoesNotContain(reached, name => name.StartsWith("Lepton.Training", StringComparison.Ordinal));
    }

    // Every assembly reachable through metadata references, by name; a reference only counts when code uses it, which is the point.
    private static HashSet<string> Closure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is not { } name || !seen.Add(name) || !name.StartsWith("Lepton.", StringComparison.Ordinal)) continue;
                pending.Push(Assembly.Load(reference));
            }
        }
        return seen;
    }
}
