using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Graph;

namespace Lepton.NN.Serialization;

/// <summary>Reads and writes <c>model.json</c> with strict validation and errors that name the file and the field.</summary>
public static class ModelSpecJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(ModelSpec spec)
    {
        var root = new JsonObject { ["format_version"] = spec.Graph is null ? 1 : 2 };
        if (spec.Graph is { } graph)
        {
            root["graph"] = GraphSpecJson.Write(graph);
        }
        else
        {
            root["architecture"] = new JsonArray(spec.Architecture
                .Select(l => (JsonNode)new JsonObject { ["type"] = l.Type, ["options"] = l.Options.DeepClone() }).ToArray());
            root["input"] = InputSpecJson.Write(spec.Input);
        }
        if (spec.Preprocessing is { } p) root["preprocessing"] = WritePreprocessing(p);
        var task = new JsonObject { ["kind"] = TaskSpec.NameOf(spec.Task.Kind) };
        if (spec.Task.Kind is TaskKind.Binary or TaskKind.MultiLabel) task["threshold"] = spec.Task.Threshold;
        if (spec.Task is { Kind: TaskKind.Regression, Loss: { } loss }) task["loss"] = loss;
        if (spec.Task.TargetNames is { } targets) task["target_names"] = new JsonArray(targets.Select(t => (JsonNode)t).ToArray());
        root["task"] = task;
        root["class_names"] = new JsonArray(spec.ClassNames.Select(c => (JsonNode)c).ToArray());
        var metrics = new JsonObject();
        foreach (var (k, v) in spec.Metrics) metrics[k] = v;
        root["metrics"] = metrics;
        root["metadata"] = spec.Metadata?.DeepClone() ?? new JsonObject();
        return root.ToJsonString(Indented) + "\n";
    }

    public static ModelSpec Read(string json, string source = "model.json")
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}");
        }
        if (node is not JsonObject root) throw new InvalidDataException($"{source} must hold a JSON object at the top level.");

        int version = root["format_version"] is null ? 1 : GetInt(root["format_version"], source, "format_version");
        if (version < 1 || version > ModelSpec.CurrentFormatVersion)
            throw new InvalidDataException($"{source}: format_version {version} is not supported; this Lepton reads versions 1..{ModelSpec.CurrentFormatVersion}.");

        GraphSpec? graph = null;
        if (version >= 2)
        {
            if (root["architecture"] is not null)
                throw new InvalidDataException($"{source}: format_version 2 describes the model in \"graph\"; remove \"architecture\" (or write format_version 1 for a layer list).");
            graph = GraphSpecJson.Read(root["graph"], source);
        }
        else if (root["graph"] is not null)
        {
            throw new InvalidDataException($"{source}: a \"graph\" needs \"format_version\": 2.");
        }
        if (graph is null && root["architecture"] is not JsonArray)
            throw new InvalidDataException($"{source}: \"architecture\" is missing or not a list of layers like [{{\"type\": \"Linear\", \"options\": {{...}}}}].");
        var layers = new List<LayerSpec>();
        var arch = root["architecture"] as JsonArray ?? [];
        for (int i = 0; i < arch.Count; i++)
        {
            if (arch[i] is not JsonObject lo || lo["type"] is not JsonValue tv || !tv.TryGetValue<string>(out var type))
                throw new InvalidDataException($"{source}: architecture[{i}] must be an object with a string \"type\".");
            var opts = lo["options"] switch
            {
                null => new JsonObject(),
                JsonObject o => (JsonObject)o.DeepClone(),
                _ => throw new InvalidDataException($"{source}: architecture[{i}] ({type}): \"options\" must be an object."),
            };
            layers.Add(new LayerSpec(type, opts));
        }

        InputSpec inputSpec;
        if (graph is not null)
            inputSpec = graph.Inputs.Count > 0 ? graph.Inputs[0]
                : throw new InvalidDataException($"{source}: graph.inputs is empty; declare at least one input.");
        else if (root["input"] is not JsonObject input)
            throw new InvalidDataException($"{source}: \"input\" is missing; give {{\"name\": \"input\", \"shape\": [-1, 1, 28, 28], \"dtype\": \"float32\"}}.");
        else inputSpec = InputSpecJson.Read(input, source, "input");

        var pre = ReadPreprocessing(root["preprocessing"], source, "preprocessing");

        var task = ReadTask(root["task"], source);

        var classNames = new List<string>();
        if (root["class_names"] is JsonArray ca)
            for (int i = 0; i < ca.Count; i++)
                classNames.Add(ca[i] is JsonValue cv && cv.TryGetValue<string>(out var c) ? c
                    : throw new InvalidDataException($"{source}: class_names[{i}] must be a string."));
        else if (root["class_names"] is not null)
            throw new InvalidDataException($"{source}: \"class_names\" must be a list of strings.");

        var metrics = new Dictionary<string, double>();
        if (root["metrics"] is JsonObject mo)
            foreach (var (k, v) in mo) metrics[k] = GetDouble(v, source, "metrics." + k);
        else if (root["metrics"] is not null)
            throw new InvalidDataException($"{source}: \"metrics\" must be an object of numbers.");

        JsonObject? metadata = root["metadata"] switch
        {
            null => null,
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new InvalidDataException($"{source}: \"metadata\" must be an object."),
        };

        return new ModelSpec
        {
            FormatVersion = version,
            Graph = graph,
            Architecture = layers,
            Input = inputSpec,
            Preprocessing = pre,
            Task = task,
            ClassNames = classNames,
            Metrics = metrics,
            Metadata = metadata,
        };
    }

    internal static JsonObject WritePreprocessing(PreprocessingSpec p)
    {
        var o = new JsonObject { ["scale"] = p.Scale };
        if (p.Mean is not null) o["mean"] = new JsonArray(p.Mean.Select(v => (JsonNode)v).ToArray());
        if (p.Std is not null) o["std"] = new JsonArray(p.Std.Select(v => (JsonNode)v).ToArray());
        return o;
    }

    /// <summary>A preprocessing object (<c>scale</c>, per-channel <c>mean</c> and <c>std</c>) or null; <paramref name="field"/> names it in errors.</summary>
    internal static PreprocessingSpec? ReadPreprocessing(JsonNode? node, string source, string field)
    {
        if (node is null) return null;
        if (node is not JsonObject po)
            throw new InvalidDataException($"{source}: \"{field}\" must be an object like {{\"scale\": 0.00392156862745098, \"mean\": [0.286], \"std\": [0.353]}} or null.");
        var pre = new PreprocessingSpec(
            po["scale"] is null ? 1.0 : GetDouble(po["scale"], source, field + ".scale"),
            po["mean"] is null ? null : GetDoubleArray(po["mean"], source, field + ".mean"),
            po["std"] is null ? null : GetDoubleArray(po["std"], source, field + ".std"));
        if (pre is { Mean: { } m, Std: { } s } && m.Length != s.Length)
            throw new InvalidDataException($"{source}: {field}.mean has {m.Length} values but {field}.std has {s.Length}; give one per channel.");
        if (pre.Std is { } std && std.Any(v => v == 0))
            throw new InvalidDataException($"{source}: {field}.std must not contain 0.");
        return pre;
    }

    private static TaskSpec ReadTask(JsonNode? node, string source)
    {
        if (node is null) return TaskSpec.Multiclass;
        if (node is not JsonObject o)
            throw new InvalidDataException($"{source}: \"task\" must be an object like {{\"kind\": \"binary\", \"threshold\": 0.5}}.");
        var kindText = o["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : null;
        var kind = kindText is null ? null : TaskSpec.Parse(kindText);
        if (kind is null)
            throw new InvalidDataException($"{source}: task.kind \"{kindText}\" is not a task; use \"multiclass\", \"binary\", \"multilabel\" or \"regression\".");
        double threshold = o["threshold"] is null ? 0.5 : GetDouble(o["threshold"], source, "task.threshold");
        if (!(threshold > 0 && threshold < 1))
            throw new InvalidDataException($"{source}: task.threshold must lie strictly between 0 and 1, got {threshold.ToString(CultureInfo.InvariantCulture)}.");
        List<string>? targets = null;
        if (o["target_names"] is JsonArray ta)
            targets = ta.Select((t, i) => t is JsonValue tv && tv.TryGetValue<string>(out var name) ? name
                : throw new InvalidDataException($"{source}: task.target_names[{i}] must be a string.")).ToList();
        else if (o["target_names"] is not null)
            throw new InvalidDataException($"{source}: task.target_names must be a list of strings.");
        string? loss = null;
        if (o["loss"] is JsonValue lv && lv.TryGetValue<string>(out var l)) loss = l;
        else if (o["loss"] is not null) throw new InvalidDataException($"{source}: task.loss must be a string such as \"poisson\".");
        return new TaskSpec(kind.Value, threshold, targets) { Loss = kind == TaskKind.Regression ? loss : null };
    }

    /// <summary>The dtype's name in model.json, as numpy and PyTorch spell it (<c>float32</c>, <c>int64</c>, <c>bfloat16</c>).</summary>
    public static string DTypeName(DType d) => d switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Int8 => "int8",
        DType.UInt8 => "uint8",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    internal static DType ParseDType(JsonNode? n, string source)
    {
        var name = n is JsonValue v && v.TryGetValue<string>(out var s) ? s.ToLowerInvariant() : null;
        foreach (var d in DTypeInfo.All)
            if (name == DTypeName(d) || name == d.SafetensorsName().ToLowerInvariant()) return d;
        throw new InvalidDataException(
            $"{source}: input.dtype \"{name}\" is not supported; use one of {string.Join(", ", DTypeInfo.All.Select(d => $"\"{DTypeName(d)}\""))}.");
    }

    private static int GetInt(JsonNode? n, string source, string field)
    {
        double d = GetDouble(n, source, field);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
            throw new InvalidDataException($"{source}: {field} must be an integer, got {d.ToString(CultureInfo.InvariantCulture)}.");
        return (int)d;
    }

    internal static double GetDouble(JsonNode? n, string source, string field)
    {
        if (n is JsonValue v && v.GetValueKind() == JsonValueKind.Number) return v.GetValue<double>();
        throw new InvalidDataException($"{source}: {field} must be a number, got {(n is null ? "nothing" : n.ToJsonString())}.");
    }

    internal static int[] GetIntArray(JsonNode? n, string source, string field) =>
        n is JsonArray a ? a.Select((x, i) => GetInt(x, source, $"{field}[{i}]")).ToArray()
        : throw new InvalidDataException($"{source}: {field} must be a list of integers such as [-1, 1, 28, 28].");

    private static double[] GetDoubleArray(JsonNode? n, string source, string field) =>
        n is JsonArray a ? a.Select((x, i) => GetDouble(x, source, $"{field}[{i}]")).ToArray()
        : throw new InvalidDataException($"{source}: {field} must be a list of numbers.");
}
