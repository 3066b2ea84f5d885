using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lepton.Registry.Store;

/// <summary>Reads the <c>store:</c> setting of a <c>lepton.yaml</c> in the working folder (the recipe file teams share).</summary>
public static class LeptonYamlSettings
{
    public const string FileName = "lepton.yaml";

    /// <summary>The top-level <c>store</c> value of <paramref name="path"/> (default ./lepton.yaml), or null when absent.</summary>
    public static string? Store(string? path = null)
    {
        path ??= Path.Combine(Environment.CurrentDirectory, FileName);
        if (!File.Exists(path)) return null;
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{path} is not valid YAML (line {ex.Start.Line}): {ex.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return null;
        foreach (var (key, value) in root.Children)
        {
            if (key is YamlScalarNode { Value: "store" })
                return value is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value)
                    ? s.Value
                    : throw new InvalidDataException($"{path}: 'store' must be a connection string such as postgres://user:pass@host:5432/lepton.");
        }
        return null;
    }
}
