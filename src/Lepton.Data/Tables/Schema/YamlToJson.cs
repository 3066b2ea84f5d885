using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Lepton.Data.Tables.Schema;

/// <summary>
/// A small YAML document (mappings, sequences, string scalars) as JSON text, so one JSON reader checks both forms.
/// Every scalar stays a string except null/~. Depth and node count are bounded: aliases cannot blow a file up.
/// </summary>
internal static class YamlToJson
{
    private const int MaxDepth = 8;
    private const int MaxNodes = 200_000;

    public static string Convert(string yaml)
    {
        object? graph;
        try { graph = new DeserializerBuilder().Build().Deserialize<object?>(yaml); }
        catch (YamlException e) { throw new FormatException($"The table schema is not valid YAML: {e.Message}"); }
        int nodes = 0;
        return (ToNode(graph, 0, ref nodes) ?? new JsonObject()).ToJsonString();
    }

    private static JsonNode? ToNode(object? value, int depth, ref int nodes)
    {
        if (depth > MaxDepth) throw new FormatException($"The table schema is nested more than {MaxDepth} levels deep.");
        if (++nodes > MaxNodes) throw new FormatException($"The table schema has more than {MaxNodes:N0} entries.");
        switch (value)
        {
            case null: return null;
            case string s: return JsonValue.Create(s);
            case IDictionary<object, object?> map:
                var o = new JsonObject();
                foreach (var (k, v) in map)
                {
                    var key = System.Convert.ToString(k, CultureInfo.InvariantCulture) ?? "";
                    if (o.ContainsKey(key)) throw new FormatException($"The table schema repeats the key '{key}'.");
                    o[key] = ToNode(v, depth + 1, ref nodes);
                }
                return o;
            case IEnumerable<object?> list:
                var a = new JsonArray();
                foreach (var v in list) a.Add(ToNode(v, depth + 1, ref nodes));
                return a;
            default:
                return JsonValue.Create(System.Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
