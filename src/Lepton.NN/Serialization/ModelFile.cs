using Lepton.Engine;
using Lepton.NN.Graph;

namespace Lepton.NN.Serialization;

/// <summary>
/// A model folder: <c>model.json</c> (architecture, input, preprocessing, class names, metrics, metadata)
/// and <c>weights.safetensors</c> (the state dict with PyTorch names). Loading rebuilds layers from the
/// registry and validates every weight; it never executes code from the files.
/// </summary>
public static partial class ModelFile
{
    public const string SpecFileName = "model.json";
    public const string WeightsFileName = "weights.safetensors";

    /// <summary>
    /// Writes both files atomically (each to a temporary file, then renamed). The architecture is taken
    /// from <paramref name="model"/>; the rest of <paramref name="spec"/> is written as given.
    /// </summary>
    public static void Save(string dir, Module model, ModelSpec spec)
    {
        var full = model switch
        {
            Sequential s => spec with { FormatVersion = 1, Graph = null, Architecture = LayerRegistry.Describe(s) },
            GraphModel { Spec: { } graph } => WithGraph(spec, graph),
            _ => throw new ArgumentException(
                $"ModelFile.Save: a {model.TypeName} cannot be described in model.json; save a Sequential or a graph built from a GraphSpec (GraphBuilder.Build)."),
        };
        Directory.CreateDirectory(dir);
        SafetensorsWriter.Write(Path.Combine(dir, WeightsFileName), model.StateDict(),
            new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "lepton" }, IsInt64Name);
        // model.json last: a folder with a model.json always has the weights it describes.
        AtomicFile.WriteAllText(Path.Combine(dir, SpecFileName), ModelSpecJson.Write(full));
    }

    // The architecture comes from the graph; what a caller says of an input of the same name and shape (an image input with
    // its resize policy, as training on images declares) is kept.
    private static ModelSpec WithGraph(ModelSpec spec, GraphSpec graph)
    {
        var described = spec.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var inputs = graph.Inputs.Select(i => described.TryGetValue(i.Name, out var d) && d.Shape.SequenceEqual(i.Shape) && d.DType == i.DType ? d : i).ToList();
        var full = graph with { Inputs = inputs };
        return spec with { FormatVersion = 2, Graph = full, Architecture = [], Input = inputs[0] };
    }

    /// <summary>Reads and validates a model folder; the model comes back in eval mode.</summary>
    public static LoadedModel Load(string dir)
    {
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"Model folder {dir} not found; a model folder holds {SpecFileName} and {WeightsFileName}.");
        var specPath = Path.Combine(dir, SpecFileName);
        var weightsPath = Path.Combine(dir, WeightsFileName);
        if (!File.Exists(specPath))
            throw new FileNotFoundException($"{SpecFileName} not found in {dir}; a model folder holds {SpecFileName} and {WeightsFileName}.", specPath);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{WeightsFileName} not found in {dir}; a model folder holds {SpecFileName} and {WeightsFileName}.", weightsPath);

        var spec = ModelSpecJson.Read(File.ReadAllText(specPath), SpecFileName);
        var model = spec.BuildModel(source: SpecFileName);
        var weights = SafetensorsReader.Read(weightsPath);
        LoadWeights(model, weights, WeightsFileName);
        model.Eval();
        return new LoadedModel(model, spec);
    }

    /// <summary>
    /// Copies tensors into a model after checking names, dtypes and shapes against it, with errors that
    /// name the tensor, the expected and the found value. A stored tensor converts to the dtype the model holds
    /// when both are floating point (F16, BF16 or F64 weights into a Float32 model) or both integers whose values
    /// fit (I64 <c>num_batches_tracked</c> into Int32).
    /// </summary>
    public static void LoadWeights(Module model, SafetensorsContent weights, string source = WeightsFileName)
    {
        var expected = model.StateDict();
        var found = weights.ToDictionary();
        var missing = expected.Keys.Where(k => !found.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{source} is missing tensor(s) {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")} that the architecture needs ({found.Count} tensors in the file, {expected.Count} expected).");
        var unexpected = found.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException(
                $"{source} has tensor(s) {string.Join(", ", unexpected.Take(10))} that the architecture does not have; the weights belong to a different model.");
        var converted = new Dictionary<string, Tensor>(found.Count);
        foreach (var (name, want) in expected)
        {
            var got = found[name];
            if (got.Shape != want.Shape)
                throw new InvalidDataException($"{source}: tensor '{name}' has shape {got.Shape}, but the architecture expects {want.Shape}.");
            if (got.DType.IsFloatingPoint() != want.DType.IsFloatingPoint())
                throw new InvalidDataException(
                    $"{source}: tensor '{name}' is stored as {StoredName(weights, name, got)}, but the architecture expects " +
                    $"{(want.DType.IsFloatingPoint() ? "a float tensor (F32, F16, BF16 or F64)" : "an integer tensor (I64 or I32)")}.");
            if (got.DType.IsInteger() && got.DType != want.DType) CheckIntegersFit(got, want.DType, name, StoredName(weights, name, got), source);
            converted[name] = got.DType == want.DType ? got : got.To(want.DType);
        }
        model.LoadStateDict(converted);
    }

    private static string StoredName(SafetensorsContent weights, string name, Tensor got) =>
        weights.StoredDTypes.TryGetValue(name, out var s) ? s : got.DType.SafetensorsName();

    // Tensor.To saturates; a weight file whose counter does not fit the model's integer type is refused instead.
    private static void CheckIntegersFit(Tensor got, DType want, string name, string stored, string source)
    {
        var (min, max) = want switch
        {
            DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            DType.UInt8 => (byte.MinValue, byte.MaxValue),
            DType.Int32 => (int.MinValue, int.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        foreach (var v in got.To(DType.Int64).ToArray<long>())
            if (v < min || v > max)
                throw new InvalidDataException(
                    $"{source}: tensor '{name}' ({stored}) holds {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}, outside the {want} range the architecture uses.");
    }

    /// <summary>PyTorch stores batch-norm counters as int64; writing them so keeps load_state_dict happy.</summary>
    public static bool IsInt64Name(string name) => name == "num_batches_tracked" || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
