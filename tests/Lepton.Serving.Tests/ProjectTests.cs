using System.Reflection;
using System.Xml.Linq;

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

    [Theory]
    [InlineData("Lepton.Serving")]
    [InlineData("Lepton.Registry")]
    [InlineData("Lepton.Runtime")]
    public void ProjectFile_ReachesNoTrainingProject_ThroughItsProjectReferences(string project)
    {
        // The project files themselves, followed reference by reference: catches a reference no code uses yet.
        var src = Path.Combine(RepositoryRoot(), "src");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var name))
        {
            var file = Path.Combine(src, name, name + ".csproj");
            foreach (var reference in XDocument.Load(file).Descendants("ProjectReference"))
            {
                var referenced = Path.GetFileNameWithoutExtension((string)reference.Attribute("Include")!);
                if (seen.Add(referenced)) pending.Push(referenced);
            }
        }
        Assert.DoesNotContain(seen, name => name.StartsWith("Lepton.Training", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lepton.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Lepton.slnx above {AppContext.BaseDirectory}; run the tests from a checkout.");
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
