using System.Globalization;
using Google.Protobuf;
using Lepton.Compression.Onnx.Export;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Onnx;

namespace Lepton.Compression.Onnx;

/// <summary>
/// Writes a Lepton network (Sequential or graph model) as an ONNX model, opset 17: inputs and outputs named from the model's
/// signature with a symbolic batch dimension, weights as initializers under their state-dict names, eval-mode semantics.
/// A layer without an ONNX form is a <see cref="NotSupportedException"/> naming the layer and its type.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The metadata_props key holding a classifier's class names, in output order.</summary>
    public const string ClassNamesKey = "class_names";

    /// <summary>The ONNX operator set the exporter writes.</summary>
    public const int Opset = 17;

    // IR version 8 is the one that goes with opset 17 (ONNX 1.12).
    private const long IrVersion = 8;

    /// <summary>Exports the model folder (model.json + weights.safetensors) to <paramref name="outPath"/>; returns the bytes written.</summary>
    public static long ExportFolder(string folder, string outPath, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outPath);
        var bytes = ExportFolder(folder, options);
        var full = Path.GetFullPath(outPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return bytes.LongLength;
    }

    /// <summary>The ONNX bytes of the model folder's network, named as its predictor signature names inputs and outputs.</summary>
    public static byte[] ExportFolder(string folder, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var loaded = ModelFile.Load(folder);
        using var predictor = new NeuralNetworkPredictor(loaded);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        // Comma-separated as most tools read it; a JSON array when a name holds a comma. OnnxImporter reads both back.
        var classes = loaded.Spec.ClassNames;
        if (classes.Count > 0)
            metadata[ClassNamesKey] = classes.Any(c => c.Contains(',')) ? System.Text.Json.JsonSerializer.Serialize(classes) : string.Join(",", classes);
        for (int i = 0; i < loaded.Spec.Inputs.Count; i++)
        {
            // The graph takes preprocessed tensors; the preprocessing a client must apply travels as metadata.
            if (loaded.Spec.PreprocessingOf(i) is { } pre)
                metadata[$"preprocessing.{loaded.Spec.Inputs[i].Name}"] = System.Text.Json.JsonSerializer.Serialize(new { scale = pre.Scale, mean = pre.Mean, std = pre.Std });
        }
        return Export(loaded.Model, loaded.Spec.Inputs, [.. predictor.Signature.Outputs.Select(o => o.Name)], options, metadata);
    }

    /// <summary>
    /// The ONNX bytes of <paramref name="model"/> taking <paramref name="inputs"/> (shapes with -1 for the batch first) and
    /// returning outputs named <paramref name="outputNames"/> in order.
    /// </summary>
    public static byte[] Export(Module model, IReadOnlyList<InputSpec> inputs, IReadOnlyList<string> outputNames, OnnxExportOptions? options = null,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        ToProto(model, inputs, outputNames, options, metadata).ToByteArray();

    internal static ModelProto ToProto(Module model, IReadOnlyList<InputSpec> inputs, IReadOnlyList<string> outputNames, OnnxExportOptions? options,
        IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        options ??= OnnxExportOptions.Default;
        if (inputs.Count == 0) throw new ArgumentException("ONNX export needs at least one input, got none.", nameof(inputs));
        foreach (var input in inputs)
            if (input.Shape.Length == 0 || input.Shape[0] != -1)
                throw new ArgumentException($"ONNX export: input '{input.Name}' has shape [{string.Join(",", input.Shape)}]; it must start with -1 for the batch.", nameof(inputs));
        if (outputNames.Count != model.OutputArity)
            throw new ArgumentException($"ONNX export: the model has {model.OutputArity} output(s) but {outputNames.Count} name(s) were given.", nameof(outputNames));

        var modes = model.SaveModes();
        model.Eval();
        try
        {
            var writer = new OnnxGraphWriter();
            writer.Graph.Name = options.GraphName;
            foreach (var input in inputs) writer.AddInput(input.Name, input.DType, input.Shape, options.BatchDimension);
            var outputs = Walk(writer, model, "", [.. inputs.Select(i => i.Name)], (model as GraphModel)?.Spec);
            var shapes = OutputShapes(model, inputs);
            for (int i = 0; i < outputNames.Count; i++)
                writer.AddOutput(outputNames[i], outputs[i], DType.Float32, shapes[i], options.BatchDimension);
            var proto = new ModelProto
            {
                IrVersion = IrVersion,
                ProducerName = "lepton",
                ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
                Graph = writer.Graph,
            };
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
            foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
                proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            return proto;
        }
        finally
        {
            model.RestoreModes(modes);
        }
    }

    // Each output's shape from a batch of one. Inputs with a variable axis (token positions) are probed at two lengths: an output
    // axis that follows the length is declared variable (-1), the rest keep their sizes, so (N, classes) logits stay fixed.
    private static int[][] OutputShapes(Module model, IReadOnlyList<InputSpec> inputs)
    {
        var one = Probe(model, inputs, 1);
        if (!inputs.Any(i => i.Shape.Skip(1).Any(d => d < 0))) return one;
        var three = Probe(model, inputs, 3);
        return [.. one.Select((s, k) => s.Select((d, j) => three[k].Length != s.Length || three[k][j] != d ? -1 : d).ToArray())];
    }

    private static int[][] Probe(Module model, IReadOnlyList<InputSpec> inputs, int length) =>
        [.. ShapeProbe.OutputShapes(model, [.. inputs.Select(i => i with { Shape = [1, .. i.Shape.Skip(1).Select(d => d < 0 ? length : d)] })])
            .Select(s => s.Dims.ToArray())];

    // Writes a module on the given value names and returns its output value names; containers recurse with dotted paths.
    private static IReadOnlyList<string> Walk(OnnxGraphWriter writer, Module module, string path, IReadOnlyList<string> inputs, GraphSpec? root)
    {
        switch (module)
        {
            case Sequential sequential:
            {
                var x = inputs;
                for (int i = 0; i < sequential.Count; i++)
                    x = Walk(writer, sequential[i], Join(path, i.ToString(CultureInfo.InvariantCulture)), x, root);
                return x;
            }
            case GraphModel graph:
            {
                root ??= graph.Spec;
                if (root is null)
                    throw new NotSupportedException($"ONNX export: graph '{path}' ({graph.TypeName}) carries no spec; export the model loaded from its model.json.");
                bool top = ReferenceEquals(graph.Spec, root) && graph.Spec is not null;
                if (top) return WalkGraph(writer, graph, path, inputs, root.Inputs.Select(i => i.Name).ToList(), root.Nodes, root.Outputs.Select(o => o.Source).ToList(), root);
                if (!root.Blocks.TryGetValue(graph.TypeName, out var block))
                    throw new NotSupportedException($"ONNX export: block '{path}' ({graph.TypeName}) is not defined in the model's graph spec.");
                return WalkGraph(writer, graph, path, inputs, block.Inputs, block.Nodes, block.Outputs, root);
            }
            default:
                return OnnxLayerExports.Export(writer, module, path, inputs);
        }
    }

    private static IReadOnlyList<string> WalkGraph(OnnxGraphWriter writer, GraphModel graph, string path, IReadOnlyList<string> values,
        IReadOnlyList<string> inputNames, IReadOnlyList<GraphNode> nodes, IReadOnlyList<string> outputRefs, GraphSpec root)
    {
        var modules = graph.NamedChildren().ToDictionary(c => c.Name, c => c.Module, StringComparer.Ordinal);
        var produced = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (int i = 0; i < inputNames.Count; i++) produced[inputNames[i]] = [values[i]];
        var pending = nodes.ToList();
        while (pending.Count > 0)
        {
            // Nodes run once all their inputs exist: the graph builder checked that this order exists (no cycles).
            int ready = pending.FindIndex(n => n.Inputs.All(r => produced.ContainsKey(Parse(r).Name)));
            if (ready < 0) throw new InvalidDataException($"ONNX export: graph '{path}' has nodes whose inputs never become available: {string.Join(", ", pending.Select(n => n.Name))}.");
            var node = pending[ready];
            pending.RemoveAt(ready);
            var args = node.Inputs.Select(r => Resolve(produced, r)).ToList();
            produced[node.Name] = Walk(writer, modules[node.Name], Join(path, node.Name), args, root);
        }
        return [.. outputRefs.Select(r => Resolve(produced, r))];
    }

    private static string Resolve(Dictionary<string, IReadOnlyList<string>> produced, string reference)
    {
        var (name, index) = Parse(reference);
        return produced[name][index];
    }

    private static (string Name, int Index) Parse(string reference)
    {
        int colon = reference.LastIndexOf(':');
        return colon < 0 ? (reference, 0) : (reference[..colon], int.Parse(reference[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
