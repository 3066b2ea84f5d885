using Lepton.Compression.Onnx.Import;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime.Onnx;
using Onnx;

namespace Lepton.Compression.Onnx;

/// <summary>
/// Brings an ONNX file (from PyTorch, scikit-learn, ...) into a Lepton model folder that the <c>onnx</c> predictor kind serves:
/// checks it as hostile input (<see cref="Inspect"/>), copies it with its external data, and writes a model.json whose signature
/// comes from the graph's inputs and outputs.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Checks <paramref name="onnxPath"/> and derives the signature it will be served with; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static OnnxModelInfo Inspect(string onnxPath, OnnxImportOptions? options = null)
    {
        options ??= OnnxImportOptions.Default;
        var model = OnnxModelValidator.Validate(onnxPath, options);
        return Describe(model, onnxPath, options);
    }

    /// <summary>
    /// Imports <paramref name="onnxPath"/> into <paramref name="folder"/> (created; must not already hold a model): model.onnx, its
    /// external-data files, and model.json. Returns what model.json records.
    /// </summary>
    public static OnnxModelInfo Import(string onnxPath, string folder, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= OnnxImportOptions.Default;
        var model = OnnxModelValidator.Validate(onnxPath, options);
        var info = Describe(model, onnxPath, options);
        if (File.Exists(Path.Combine(folder, ModelFile.SpecFileName)))
            throw new IOException($"{folder} already holds a model.json; import into an empty folder.");
        Directory.CreateDirectory(folder);
        var source = Path.GetDirectoryName(Path.GetFullPath(onnxPath))!;
        foreach (var location in OnnxModelValidator.ExternalLocations(model))
        {
            var target = Path.Combine(folder, location);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(OnnxModelValidator.ExternalDataPath(location, source)!, target, overwrite: true);
        }
        File.Copy(onnxPath, Path.Combine(folder, OnnxModelFolder.ModelFileName), overwrite: true);
        // model.json last: a folder with a model.json always has the model it describes.
        OnnxModelFolder.WriteSpec(folder, info);
        return info;
    }

    /// <summary>
    /// Writes an imported model folder's graph back out as <paramref name="outPath"/>, with its external-data files beside it
    /// (the graph names them relative to itself). Returns the bytes of the .onnx file.
    /// </summary>
    public static long CopyOut(string folder, string outPath, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outPath);
        var source = Path.Combine(folder, OnnxModelFolder.ModelFileName);
        var model = OnnxModelValidator.Validate(source, options ?? OnnxImportOptions.Default);
        var target = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        Directory.CreateDirectory(target);
        foreach (var location in OnnxModelValidator.ExternalLocations(model))
        {
            var to = OnnxModelValidator.ExternalDataPath(location, target)
                     ?? throw new InvalidDataException($"{source}: external data '{location}' would land outside {target}.");
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(OnnxModelValidator.ExternalDataPath(location, folder)!, to, overwrite: true);
        }
        File.Copy(source, outPath, overwrite: true);
        return new FileInfo(outPath).Length;
    }

    /// <summary>Checks a model folder that already holds model.onnx (registered as a folder): the file and its model.json must agree.</summary>
    public static OnnxModelInfo CheckFolder(string folder, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var inspected = Inspect(Path.Combine(folder, OnnxModelFolder.ModelFileName), options);
        var recorded = OnnxModelFolder.ReadInfo(folder);
        static string Text(IEnumerable<OnnxTensorInfo> ts) => string.Join("; ", ts.Select(t => $"{t.Name} {t.DType} [{string.Join(",", t.Shape)}]"));
        if (Text(inspected.Inputs) != Text(recorded.Inputs) || Text(inspected.Outputs) != Text(recorded.Outputs))
            throw new InvalidDataException(
                $"{folder}: model.json declares inputs {Text(recorded.Inputs)} and outputs {Text(recorded.Outputs)}, but model.onnx has inputs {Text(inspected.Inputs)} and outputs {Text(inspected.Outputs)}; re-import the .onnx file.");
        return recorded;
    }

    private static OnnxModelInfo Describe(ModelProto model, string path, OnnxImportOptions options)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        // Older exporters list initializers among the inputs too; those are weights, not what a client sends.
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => Tensor(i, path, "input")).ToList();
        var outputs = model.Graph.Output.Select(o => Tensor(o, path, "output")).ToList();
        if (inputs.Count == 0) throw new InvalidDataException($"{path}: every graph input is an initializer; the model takes nothing from a client.");
        foreach (var input in inputs)
        {
            if (input.Shape.Skip(1).Count(d => d == -1) > 1)
                throw new InvalidDataException(
                    $"{path}: input '{input.Name}' has shape [{string.Join(",", input.Shape)}] with several variable axes; Lepton batches inputs that vary along one axis. Fix the other sizes when exporting.");
        }
        var classes = options.ClassNames ?? RecordedClassNames(model, outputs);
        if (classes.Count == 0) return new OnnxModelInfo(inputs, outputs, []);
        // The class output is the one float32 (N, classes) output; a scikit-learn export has a label output beside it.
        var scored = outputs.Where(o => o.Shape.Length == 2 && o.Shape[1] == classes.Count && o.DType == DType.Float32).ToList();
        if (scored.Count != 1)
            throw new InvalidDataException(
                $"{path}: {classes.Count} class names need exactly one float32 output (N, {classes.Count}) of logits or probabilities; the model's outputs are " +
                $"{string.Join(", ", outputs.Select(o => $"'{o.Name}' {o.DType} [{string.Join(",", o.Shape)}]"))}. Check --classes.");
        if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Count || classes.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"Class names must be distinct and non-empty; got {string.Join(",", classes)}.");
        var scores = options.ClassScores ?? (scored[0].Name.Contains("prob", StringComparison.OrdinalIgnoreCase) ? OnnxClassScores.Probabilities : OnnxClassScores.Logits);
        return new OnnxModelInfo(inputs, outputs, [.. classes], scored[0].Name, scores);
    }

    // Class names a Lepton export recorded in metadata_props: used when they fit the one (N, K) float32 output, ignored otherwise
    // (metadata is a hint from the producer, not a contract).
    private static IReadOnlyList<string> RecordedClassNames(ModelProto model, IReadOnlyList<OnnxTensorInfo> outputs)
    {
        if (model.MetadataProps.FirstOrDefault(p => p.Key == OnnxExporter.ClassNamesKey)?.Value is not { Length: > 0 } text) return [];
        string[] names;
        try
        {
            names = text.StartsWith('[') ? System.Text.Json.JsonSerializer.Deserialize<string[]>(text) ?? [] : text.Split(',');
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
        bool fits = outputs.Count == 1 && outputs[0].Shape.Length == 2 && outputs[0].Shape[1] == names.Length && outputs[0].DType == DType.Float32
                    && names.Distinct(StringComparer.Ordinal).Count() == names.Length && !names.Any(string.IsNullOrWhiteSpace);
        return fits ? names : [];
    }

    // ONNX shape → Lepton shape: the first axis is the batch (-1) and must be symbolic; later symbolic axes become -1.
    private static OnnxTensorInfo Tensor(ValueInfoProto v, string path, string what)
    {
        if (v.Type?.TensorType is not { } tensor)
            throw new InvalidDataException($"{path}: {what} '{v.Name}' is not a tensor (sequences and maps are not served); export a model whose {what}s are tensors " +
                "(a scikit-learn classifier: convert it with options={'zipmap': False}).");
        // A bool tensor (an attention mask) is held as UInt8 0/1 and handed to ONNX Runtime as bool again.
        bool isBool = tensor.ElemType == (int)TensorProto.Types.DataType.Bool;
        var dtype = isBool ? DType.UInt8 : OnnxTypes.FromOnnx(tensor.ElemType)
                    ?? throw new InvalidDataException($"{path}: {what} '{v.Name}' has ONNX element type {(TensorProto.Types.DataType)tensor.ElemType}, which Lepton has no tensor for.");
        if (tensor.Shape is null || tensor.Shape.Dim.Count == 0)
            throw new InvalidDataException($"{path}: {what} '{v.Name}' declares no shape; Lepton needs at least the batch axis. Export with shapes (torch.onnx.export does by default).");
        var dims = tensor.Shape.Dim;
        if (dims[0].HasDimValue)
            throw new InvalidDataException(
                $"{path}: {what} '{v.Name}' has a fixed batch size {dims[0].DimValue}; Lepton batches requests, so the first axis must be symbolic. " +
                "Export with a dynamic batch axis, e.g. torch.onnx.export(..., dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}}).");
        var shape = new int[dims.Count];
        shape[0] = -1;
        for (int i = 1; i < dims.Count; i++)
        {
            if (!dims[i].HasDimValue) shape[i] = -1;
            else if (dims[i].DimValue is < 1 or > int.MaxValue)
                throw new InvalidDataException($"{path}: {what} '{v.Name}' declares dimension {dims[i].DimValue} at axis {i}; dimensions are 1..{int.MaxValue}.");
            else shape[i] = (int)dims[i].DimValue;
        }
        return new OnnxTensorInfo(v.Name, dtype, shape, isBool);
    }
}
