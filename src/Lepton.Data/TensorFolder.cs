using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data;

/// <summary>A tensor data set read back: the splits, and what <c>dataset.json</c> says about classes and the task.</summary>
public sealed record TensorFolderData(IDataset Train, IDataset? Test, IReadOnlyList<string> ClassNames, string? Task, IReadOnlyList<string>? TargetNames);

/// <summary>
/// A data set of arrays, one .npy file per model input and one for the targets, for models whose inputs are tensors
/// (several inputs included):
/// <code>
/// DATA/dataset.json         optional: {"class_names": [...], "task": "binary", "target_names": [...]}
/// DATA/train/INPUT.npy      one per model input, named as the model names its inputs: (N, ...)
/// DATA/train/targets.npy    class ids (N) as integers, or float (N) / (N, k): 0/1 labels, multi-hot rows, values
/// DATA/test/...             optional: the same files for evaluation
/// </code>
/// </summary>
public static class TensorFolder
{
    public const string TargetsFile = "targets.npy";
    public const string DescriptionFile = "dataset.json";

    /// <summary>True when <paramref name="path"/> is a folder with a <c>train</c> split.</summary>
    public static bool IsTensorFolder(string path) => Directory.Exists(Path.Combine(path, "train"));

    /// <summary>Reads the splits for a model whose inputs are <paramref name="inputNames"/>, in that order.</summary>
    public static TensorFolderData Load(string root, IReadOnlyList<string> inputNames)
    {
        if (!IsTensorFolder(root))
            throw new DirectoryNotFoundException($"{root} is not a tensor data set: it needs a train/ folder with one .npy per model input and {TargetsFile}.");
        foreach (var name in inputNames)
            if (name.Length == 0 || Path.GetFileName(name) != name || name.Contains("..", StringComparison.Ordinal))
                throw new InvalidDataException($"Input name \"{name}\" cannot name a file; input names are letters, digits and underscores.");
        var (classNames, task, targetNames) = ReadDescription(root);
        var train = Split(root, "train", inputNames, classNames)!;
        var test = Split(root, "test", inputNames, classNames);
        return new TensorFolderData(train, test, classNames, task, targetNames);
    }

    private static IDataset? Split(string root, string split, IReadOnlyList<string> inputNames, IReadOnlyList<string> classNames)
    {
        string dir = Path.Combine(root, split);
        if (!Directory.Exists(dir)) return null;
        var inputs = new List<(string Name, Tensor Values)>();
        foreach (var name in inputNames)
        {
            string path = Path.Combine(dir, name + ".npy");
            if (!File.Exists(path))
            {
                var found = Directory.EnumerateFiles(dir, "*.npy").Select(Path.GetFileNameWithoutExtension).Where(f => f != "targets").Order();
                throw new FileNotFoundException(
                    $"{split}/{name}.npy is missing: the model takes input '{name}'. Found inputs: {string.Join(", ", found)}; name each file after a model input.");
            }
            var values = Npy.Read(path);
            inputs.Add((name, values.DType == DType.Float64 ? values.To(DType.Float32) : values));
        }
        string targetsPath = Path.Combine(dir, TargetsFile);
        if (!File.Exists(targetsPath)) throw new FileNotFoundException($"{split}/{TargetsFile} is missing: one target per example (class ids or values).");
        var targets = Npy.Read(targetsPath);
        if (targets.DType == DType.Float64) targets = targets.To(DType.Float32);
        if (targets.Rank == 0 || targets.Shape[0] != inputs[0].Values.Shape[0])
            throw new InvalidDataException(
                $"{split}/{TargetsFile} holds shape {targets.Shape}, but {split}/{inputNames[0]}.npy holds {inputs[0].Values.Shape[0]} examples; give one target per example.");
        if (targets.DType == DType.Int32 && classNames.Count > 0 && targets.ToIntArray().Any(t => t < 0 || t >= classNames.Count))
            throw new InvalidDataException($"{split}/{TargetsFile}: class ids must lie in 0..{classNames.Count - 1} ({classNames.Count} class names in {DescriptionFile}).");
        var names = classNames.Count > 0 || targets.DType != DType.Int32 || targets.Rank != 1 ? classNames
            : [.. Enumerable.Range(0, targets.ToIntArray().Max() + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        if (inputs.Count == 1 && inputs[0].Values.DType == DType.Float32) return new InMemoryDataset(inputs[0].Values, targets, names);
        return new MultiInputDataset(inputs, targets, names);
    }

    private static (IReadOnlyList<string> ClassNames, string? Task, IReadOnlyList<string>? TargetNames) ReadDescription(string root)
    {
        string path = Path.Combine(root, DescriptionFile);
        if (!File.Exists(path)) return ([], null, null);
        if (new FileInfo(path).Length > 4 * 1024 * 1024) throw new InvalidDataException($"{DescriptionFile} is larger than 4 MiB; it only describes the data.");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{DescriptionFile} is not valid JSON: {e.Message}");
        }
        if (node is not JsonObject o) throw new InvalidDataException($"{DescriptionFile} must hold an object like {{\"class_names\": [\"no\", \"yes\"], \"task\": \"binary\"}}.");
        static List<string>? Strings(JsonNode? n, string field) => n switch
        {
            null => null,
            JsonArray a => [.. a.Select((x, i) => x is JsonValue v && v.TryGetValue<string>(out var s) ? s
                : throw new InvalidDataException($"{DescriptionFile}: {field}[{i}] must be a string."))],
            _ => throw new InvalidDataException($"{DescriptionFile}: {field} must be a list of strings."),
        };
        string? task = o["task"] is null ? null : o["task"] is JsonValue tv && tv.TryGetValue<string>(out var t) ? t
            : throw new InvalidDataException($"{DescriptionFile}: task must be a string such as \"binary\".");
        return (Strings(o["class_names"], "class_names") ?? [], task, Strings(o["target_names"], "target_names"));
    }
}
