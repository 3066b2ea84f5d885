using Lepton.Engine;
using Lepton.NN.Graph;

namespace Lepton.NN.Serialization;

/// <summary>
/// A model folder: <c>model.json</c> (architecture, input, preprocessing, class names, metrics, metadata)
/// and <c>weights.safetensors</c> (the state dict with PyTorch names). Loading rebuilds layers from the
/// registry and validates every weight; it never executes code from the files.
/// </summary>
public static class ModelFile
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
            GraphModel { Spec: { } graph } => spec with { FormatVersion = 2, Graph = graph, Architecture = [], Input = graph.Inputs[0] },
            _ => throw new ArgumentException(
                $"ModelFile.Save: a {model.TypeName} cannot be described in model.json; save a Sequential or a graph built from a GraphSpec (GraphBuilder.Build)."),
        };
        Directory.CreateDirectory(dir);
        SafetensorsWriter.Write(Path.Combine(dir, WeightsFileName), model.StateDict(),
            new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "lepton" }, IsInt64Name);
        // model.json last: a folder with a model.json always has the weights it describes.
        AtomicFile.WriteAllText(Path.Combine(dir, SpecFileName), ModelSpecJson.Write(full));
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
    /// name the tensor, the expected and the found value.
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
        foreach (var (name, want) in expected)
        {
            var got = found[name];
            if (got.Shape != want.Shape)
                throw new InvalidDataException($"{source}: tensor '{name}' has shape {got.Shape}, but the architecture expects {want.Shape}.");
            if (got.DType.IsFloat() != want.DType.IsFloat())
                throw new InvalidDataException(
                    $"{source}: tensor '{name}' is stored as {weights.StoredDTypes[name]}, but the architecture expects {(want.DType.IsFloat() ? "a float tensor (F32)" : "an integer tensor (I64 or I32)")}.");
        }
        model.LoadStateDict(found);
    }

    /// <summary>PyTorch stores batch-norm counters as int64; writing them so keeps load_state_dict happy.</summary>
    public static bool IsInt64Name(string name) => name == "num_batches_tracked" || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
