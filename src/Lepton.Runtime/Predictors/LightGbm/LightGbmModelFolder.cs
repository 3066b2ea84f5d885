using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.LightGbm;

/// <summary>
/// A LightGBM model folder: <c>model.txt</c> in LightGBM's own text format (loadable by any LightGBM) and a <c>model.json</c> that
/// is a Lepton model spec (format 1, no layers, input <c>features</c> (-1, F), task, class names, metrics) plus <c>kind</c>,
/// <c>feature_names</c>, <c>categorical_features</c> and the <c>outputs</c> of the signature.
/// </summary>
public static class LightGbmModelFolder
{
    public const string ModelTextFile = "model.txt";
    public const string KindName = "lightgbm";
    public const string InputName = "features";

    // Hostile folders: bounded before reading.
    private const long MaxModelTextBytes = 1L << 30;
    private const long MaxSpecBytes = 16L << 20;

    /// <summary>The predictor's output name: <c>logits</c> for classifiers (raw scores), <c>values</c> for regression.</summary>
    public static string OutputName(TaskKind task) => task == TaskKind.Regression ? "values" : "logits";

    /// <summary>Writes model.txt then model.json (last, so a folder with model.json always has its model).</summary>
    public static void Save(string folder, string modelText, LightGbmModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(modelText);
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(folder);
        WriteAtomically(Path.Combine(folder, ModelTextFile), modelText);
        WriteAtomically(Path.Combine(folder, ModelFile.SpecFileName), SpecJson(info));
    }

    /// <summary>model.json's text for <paramref name="info"/>.</summary>
    public static string SpecJson(LightGbmModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var spec = new ModelSpec
        {
            FormatVersion = 1,
            Input = new InputSpec(InputName, [-1, info.FeatureNames.Count], DType.Float32),
            Task = new TaskSpec(info.Task, info.Threshold) { Loss = info.Loss },
            ClassNames = info.ClassNames,
            Metrics = info.Metrics,
            // metadata.kind too: the registry reads model.json as a ModelSpec, where only metadata carries it.
            Metadata = WithKind(info.Metadata),
        };
        var root = JsonNode.Parse(ModelSpecJson.Write(spec))!.AsObject();
        root["kind"] = KindName;
        root["feature_names"] = new JsonArray(info.FeatureNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        root["categorical_features"] = new JsonArray(info.CategoricalFeatures.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        root["outputs"] = new JsonArray(new JsonObject
        {
            ["name"] = OutputName(info.Task),
            ["shape"] = new JsonArray(-1, info.Outputs),
            ["dtype"] = "float32",
        });
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Reads and checks model.json and model.txt of <paramref name="folder"/>; throws <see cref="InvalidDataException"/> naming the bad file.</summary>
    public static (LightGbmModelInfo Info, string ModelText) Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"LightGBM model folder {folder} does not exist.");
        var specPath = Path.Combine(folder, ModelFile.SpecFileName);
        var textPath = Path.Combine(folder, ModelTextFile);
        var info = ReadSpec(ReadBounded(specPath, MaxSpecBytes), specPath);
        var text = ReadBounded(textPath, MaxModelTextBytes);
        return (info, text);
    }

    /// <summary>Parses a LightGBM model.json; <paramref name="source"/> names the file in errors.</summary>
    public static LightGbmModelInfo ReadSpec(string json, string source = "model.json")
    {
        var spec = ModelSpecJson.Read(json, source);
        var root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        if (root["kind"] is not JsonValue kv || !kv.TryGetValue<string>(out var kind) || kind != KindName)
            throw new InvalidDataException($"{source}: \"kind\" must be \"{KindName}\" beside {ModelTextFile}; got {root["kind"]?.ToJsonString() ?? "nothing"}.");
        var features = Strings(root["feature_names"], source, "feature_names");
        if (spec.Input.Shape is not [-1, var width] || width != features.Count)
            throw new InvalidDataException(
                $"{source}: input shape [{string.Join(",", spec.Input.Shape)}] must be [-1, {features.Count}], one column per name in feature_names.");
        var categorical = new List<int>();
        if (root["categorical_features"] is JsonArray ca)
        {
            foreach (var c in ca)
            {
                if (c is not JsonValue cv || !cv.TryGetValue<int>(out var index) || index < 0 || index >= features.Count)
                    throw new InvalidDataException($"{source}: categorical_features holds {c?.ToJsonString() ?? "null"}; each must be a feature index in 0..{features.Count - 1}.");
                categorical.Add(index);
            }
        }
        try
        {
            return new LightGbmModelInfo(spec.Task.Kind, features, spec.ClassNames, categorical) { Metrics = spec.Metrics, Metadata = spec.Metadata, Threshold = spec.Task.Threshold, Loss = spec.Task.Loss };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    // A temporary file renamed over the target: a reader never sees half a file.
    private static void WriteAtomically(string path, string text)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static JsonObject WithKind(JsonObject? metadata)
    {
        var copy = (JsonObject?)metadata?.DeepClone() ?? new JsonObject();
        copy["kind"] = KindName;
        return copy;
    }

    private static List<string> Strings(JsonNode? node, string source, string field)
    {
        if (node is not JsonArray array || array.Count == 0)
            throw new InvalidDataException($"{source}: \"{field}\" must be a non-empty list of strings.");
        return [.. array.Select((v, i) => v is JsonValue sv && sv.TryGetValue<string>(out var s) ? s
            : throw new InvalidDataException($"{source}: {field}[{i}] must be a string."))];
    }

    private static string ReadBounded(string path, long maxBytes)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new InvalidDataException($"{path} not found; a LightGBM model folder holds {ModelFile.SpecFileName} and {ModelTextFile}.");
        if (file.LinkTarget is not null) throw new InvalidDataException($"{path} is a symbolic link; copy the real file into the model folder.");
        if (file.Length > maxBytes) throw new InvalidDataException($"{path} holds {file.Length:N0} bytes, more than the {maxBytes:N0} a model file may hold.");
        return File.ReadAllText(path, Encoding.UTF8);
    }
}
