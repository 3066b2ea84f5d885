using YamlDotNet.Serialization;

namespace Lepton.Factory.Deployment;

/// <summary>
/// YAML for configuration files of other tools (Prometheus, kustomize): YamlDotNet writes ordered maps and lists, quoting
/// every string that would otherwise read back as a number, a boolean or null, so no value changes type on the way.
/// </summary>
internal static class ConfigYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    /// <summary>An ordered map: keys are written in the order given (a Dictionary keeps insertion order when nothing is removed).</summary>
    public static Dictionary<string, object> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
            if (value is not null) map.Add(key, value);
        return map;
    }

    public static string Serialize(object document) => Serializer.Serialize(document);
}
