using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lepton.Compression.Tuning.Space;

/// <summary>
/// Reads <c>space.yaml</c>: one key per parameter, either a list of choices (<c>optimizer: [adam, sgd]</c>) or a mapping
/// <c>{type: float|int|categorical|uniform|loguniform, low, high, log, choices}</c>. Errors name the parameter, its line and the fix.
/// </summary>
public static class SearchSpaceYaml
{
    // A space file is a few lines; anything much larger is not one.
    private const long MaxBytes = 1 << 20;

    private static readonly string[] Keys = ["type", "low", "high", "log", "choices"];

    public static SearchSpace Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"No search space at {path}; write one (see docs/tuning.md), e.g. 'lr: {{type: float, low: 1e-4, high: 1e-1, log: true}}'.", path);
        if (info.Length > MaxBytes) throw new InvalidDataException($"{path} is {info.Length} bytes; a search space file is at most {MaxBytes} bytes.");
        return Parse(File.ReadAllText(path), path);
    }

    public static SearchSpace Parse(string text, string source = "space.yaml")
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source}:{ex.Start.Line}: not valid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{source}: a search space is a mapping of parameter names, e.g. 'lr: {{type: float, low: 1e-4, high: 1e-1, log: true}}'.");
        var parameters = new List<SearchParameter>();
        foreach (var (keyNode, node) in root.Children)
        {
            string name = ((YamlScalarNode)keyNode).Value ?? "";
            string where = $"{source}:{keyNode.Start.Line}: parameter '{name}'";
            try
            {
                parameters.Add(node switch
                {
                    YamlSequenceNode list => SearchParameter.Categorical(name, Scalars(list, where)),
                    YamlMappingNode map => FromMapping(name, map, where),
                    _ => throw new InvalidDataException($"{where}: give a list of choices or a mapping with type, low and high."),
                });
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{where}: {ex.Message}", ex);
            }
        }
        return new SearchSpace(parameters);
    }

    private static SearchParameter FromMapping(string name, YamlMappingNode map, string where)
    {
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            if (!Keys.Contains(key)) throw new InvalidDataException($"{where}: unknown key '{key}'; known: {string.Join(", ", Keys)}.");
            values[key] = v;
        }
        string type = values.TryGetValue("type", out var t) ? Scalar(t, where, "type") : values.ContainsKey("choices") ? "categorical" : "float";
        bool log = false;
        if (values.TryGetValue("log", out var l) && !bool.TryParse(Scalar(l, where, "log"), out log))
            throw new InvalidDataException($"{where}: 'log' must be true or false.");
        switch (type)
        {
            case "categorical":
                if (!values.TryGetValue("choices", out var c) || c is not YamlSequenceNode choices)
                    throw new InvalidDataException($"{where}: a categorical parameter needs 'choices: [a, b]'.");
                return SearchParameter.Categorical(name, Scalars(choices, where));
            case "float" or "uniform" or "loguniform":
                return SearchParameter.Float(name, Number(values, "low", where), Number(values, "high", where), log || type == "loguniform");
            case "int":
                double lo = Number(values, "low", where), hi = Number(values, "high", where);
                if (lo != Math.Floor(lo) || hi != Math.Floor(hi) || Math.Abs(lo) > int.MaxValue || Math.Abs(hi) > int.MaxValue)
                    throw new InvalidDataException($"{where}: an int parameter needs whole bounds, got {lo}..{hi}.");
                return SearchParameter.Int(name, (int)lo, (int)hi, log);
            default:
                throw new InvalidDataException($"{where}: unknown type '{type}'; use float, int, categorical, uniform or loguniform.");
        }
    }

    private static double Number(Dictionary<string, YamlNode> values, string key, string where)
    {
        if (!values.TryGetValue(key, out var node)) throw new InvalidDataException($"{where}: needs '{key}'.");
        string text = Scalar(node, where, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new InvalidDataException($"{where}: '{key}' must be a number, got '{text}'.");
    }

    private static string Scalar(YamlNode node, string where, string key) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new InvalidDataException($"{where}: '{key}' must be a single value.");

    private static string[] Scalars(YamlSequenceNode list, string where) =>
        [.. list.Children.Select(n => n is YamlScalarNode { Value: { } v } ? v : throw new InvalidDataException($"{where}: every choice must be a single value."))];
}
