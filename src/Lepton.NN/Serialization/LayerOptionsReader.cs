using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.NN.Serialization;

/// <summary>
/// Typed access to one layer's <c>options</c> object; every error names the layer's position, its type and
/// the option. Options not consumed by the factory are reported as unknown (catches typos such as "paddding").
/// </summary>
public sealed class LayerOptionsReader
{
    private readonly JsonObject _options;
    private readonly HashSet<string> _used = [];

    public LayerOptionsReader(JsonObject options, string where)
    {
        _options = options;
        Where = where;
    }

    /// <summary>E.g. <c>model.json: architecture[3] (Conv2d)</c>.</summary>
    public string Where { get; }

    public int Int(string name, int? fallback = null)
    {
        var n = Take(name);
        if (n is null) return fallback ?? throw Missing(name, "an integer");
        double d = Number(n, name);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue) throw Bad(name, n, "an integer");
        return (int)d;
    }

    public int? OptionalInt(string name) => _options[name] is null ? Mark(name) : Int(name);

    public int? OptionalSquareInt(string name) => _options[name] is null ? Mark(name) : SquareInt(name);

    /// <summary>A size given as one integer or as a pair [h, w] of equal integers (Lepton's 2-D layers are square).</summary>
    public int SquareInt(string name, int? fallback = null)
    {
        if (_options[name] is JsonArray a)
        {
            Take(name);
            if (a.Count != 2 || Number(a[0], name) != Number(a[1], name) || Number(a[0], name) != Math.Floor(Number(a[0], name)))
                throw new InvalidDataException($"{Where}: option \"{name}\" must be one integer or a pair of equal integers, got {a.ToJsonString()}.");
            return (int)Number(a[0], name);
        }
        return Int(name, fallback);
    }

    public double Double(string name, double? fallback = null)
    {
        var n = Take(name);
        if (n is null) return fallback ?? throw Missing(name, "a number");
        return Number(n, name);
    }

    public bool Bool(string name, bool fallback)
    {
        var n = Take(name);
        if (n is null) return fallback;
        if (n is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        throw Bad(name, n, "true or false");
    }

    public int[] IntList(string name)
    {
        var n = Take(name);
        if (n is null) throw Missing(name, "an integer or a list of integers");
        if (n is JsonArray a) return a.Select(x => (int)Number(x, name)).ToArray();
        return [(int)Number(n, name)];
    }

    public string String(string name, string fallback)
    {
        var n = Take(name);
        if (n is null) return fallback;
        return n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(name, n, "a string");
    }

    /// <summary>Throws when the options hold names no factory read.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Select(kv => kv.Key).Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"{Where}: unknown option(s) {string.Join(", ", unknown.Select(u => "\"" + u + "\""))}; known: {string.Join(", ", _used.Order())}.");
    }

    private int? Mark(string name)
    {
        _used.Add(name);
        return null;
    }

    private JsonNode? Take(string name)
    {
        _used.Add(name);
        return _options[name];
    }

    // Options parsed from text hold JSON elements; options built in code (a block's arguments, GetConfig) hold CLR numbers.
    private double Number(JsonNode? n, string name) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.TryGetValue<double>(out var d) ? d : v.TryGetValue<int>(out var i) ? i : v.TryGetValue<long>(out var l) ? l : v.GetValue<float>()
            : throw Bad(name, n, "a number");

    private InvalidDataException Missing(string name, string what) =>
        new($"{Where}: option \"{name}\" is required ({what}).");

    private InvalidDataException Bad(string name, JsonNode? n, string what) =>
        new($"{Where}: option \"{name}\" must be {what}, got {n?.ToJsonString() ?? "null"}.");

    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
