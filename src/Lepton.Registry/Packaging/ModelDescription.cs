using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Serialization;

namespace Lepton.Registry.Packaging;

/// <summary>What a model version records about its model: the signature JSON and a one-line architecture summary.</summary>
public sealed record ModelDescription(string SignatureJson, string ArchitectureSummary, long ParameterCount, int[] OutputShape)
{
    /// <summary>
    /// Builds the model from its spec (fresh weights; only shapes matter) and runs a zero batch of one through it
    /// to learn the output shape.
    /// </summary>
    public static ModelDescription FromSpec(ModelSpec spec)
    {
        if (IsLightGbm(spec)) return ForTrees(spec);
        if (IsKind(spec, "ensemble")) return ForEnsemble(spec);
        if (IsKind(spec, "onnx")) return ForOnnx(spec);
        var model = spec.BuildModel(new Generator(0));
        var shapes = ShapeProbe.OutputShapes(model, spec.Inputs);
        var names = ShapeProbe.OutputNames(model);
        var outputs = shapes.Select(s => BatchFirst(s.ToArray(), spec.Input.Shape)).ToList();
        var output = outputs[0];
        long parameters = model.ParameterCount;

        var signature = new JsonObject
        {
            ["inputs"] = new JsonArray(spec.Inputs.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["shape"] = ToArray(i.Shape),
                ["dtype"] = ModelSpecJson.DTypeName(i.DType),
            }).ToArray()),
            ["outputs"] = new JsonArray(outputs.Select((o, k) => (JsonNode)new JsonObject
            {
                ["name"] = names[k],
                ["shape"] = ToArray(o),
                ["dtype"] = ModelSpecJson.DTypeName(DType.Float32),
            }).ToArray()),
            ["class_names"] = new JsonArray(spec.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        var layers = string.Join(" → ", model.NamedChildren().Select(l => l.Module.TypeName));
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{layers}; {parameters:N0} parameters; {spec.Input.Name} {Format(spec.Input.Shape)} → {Format(output)}");
        return new ModelDescription(signature.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), summary, parameters, output);
    }

    // A LightGBM model.json (metadata.kind "lightgbm", no layers) describes trees in model.txt: nothing to build.
    private static bool IsLightGbm(ModelSpec spec) => IsKind(spec, "lightgbm");

    private static bool IsKind(ModelSpec spec, string name) =>
        spec.Graph is null && spec.Architecture.Count == 0 && spec.Metadata?["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k == name;

    // An imported ONNX model (metadata.kind "onnx"): the graph's inputs and outputs, read at import, are the signature.
    private static ModelDescription ForOnnx(ModelSpec spec)
    {
        static JsonArray Tensors(JsonNode? node) => node is JsonArray a ? (JsonArray)a.DeepClone()
            : throw new InvalidDataException("model.json of an ONNX model lists no metadata.inputs/outputs; re-import the .onnx file.");
        var inputs = Tensors(spec.Metadata!["inputs"]);
        var outputs = Tensors(spec.Metadata!["outputs"]);
        var signature = new JsonObject
        {
            ["inputs"] = inputs,
            ["outputs"] = outputs,
            ["class_names"] = new JsonArray(spec.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        var output = outputs[0]?["shape"] is JsonArray shape ? shape.Select(d => d!.GetValue<int>()).ToArray() : [-1];
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"ONNX graph; {string.Join(", ", inputs.Select(i => $"{i?["name"]} {Format(Dims(i))}"))} → {string.Join(", ", outputs.Select(o => $"{o?["name"]} {Format(Dims(o))}"))}");
        return new ModelDescription(signature.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), summary, 0, output);
    }

    private static int[] Dims(JsonNode? tensor) => tensor?["shape"] is JsonArray shape ? [.. shape.Select(d => d!.GetValue<int>())] : [];

    // An ensemble's model.json (metadata.kind "ensemble", no layers) lists its members and outputs in metadata.ensemble.
    private static ModelDescription ForEnsemble(ModelSpec spec)
    {
        var ensemble = spec.Metadata!["ensemble"] as JsonObject ?? throw new InvalidDataException("An ensemble's model.json has no metadata.ensemble; remake it with lepton models ensemble.");
        var outputs = ensemble["outputs"] as JsonArray ?? throw new InvalidDataException("An ensemble's model.json lists no outputs in metadata.ensemble.");
        var members = (ensemble["members"] as JsonArray)?.Select(m => m?.GetValue<string>() ?? "?").ToList() ?? [];
        var signature = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = spec.Input.Name, ["shape"] = ToArray(spec.Input.Shape), ["dtype"] = ModelSpecJson.DTypeName(spec.Input.DType) }),
            ["outputs"] = new JsonArray([.. outputs.Select(o => (JsonNode)new JsonObject
            {
                ["name"] = o?["name"]?.GetValue<string>(),
                ["shape"] = o?["shape"]?.DeepClone(),
                ["dtype"] = ModelSpecJson.DTypeName(DType.Float32),
            })]),
            ["class_names"] = new JsonArray(spec.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        int[] output = outputs[0]?["shape"] is JsonArray shape ? [.. shape.Select(d => d?.GetValue<int>() ?? -1)] : [-1];
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"ensemble ({ensemble["vote"]?.GetValue<string>()} vote) of {string.Join(", ", members)}; {spec.Input.Name} {Format(spec.Input.Shape)} → {Format(output)}");
        return new ModelDescription(signature.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), summary, 0, output);
    }

    // Raw scores, as the lightgbm predictor kind returns them: K logits (multiclass), one logit (binary) or one value (regression).
    private static ModelDescription ForTrees(ModelSpec spec)
    {
        int outputs = spec.Task.Kind == TaskKind.Multiclass ? spec.ClassNames.Count : 1;
        int[] output = [-1, outputs];
        var signature = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = spec.Input.Name, ["shape"] = ToArray(spec.Input.Shape), ["dtype"] = ModelSpecJson.DTypeName(spec.Input.DType) }),
            ["outputs"] = new JsonArray(new JsonObject
            {
                ["name"] = spec.Task.Kind == TaskKind.Regression ? "values" : "logits",
                ["shape"] = ToArray(output),
                ["dtype"] = ModelSpecJson.DTypeName(DType.Float32),
            }),
            ["class_names"] = new JsonArray(spec.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        var summary = string.Create(CultureInfo.InvariantCulture, $"LightGBM trees; {spec.Input.Name} {Format(spec.Input.Shape)} → {Format(output)}");
        return new ModelDescription(signature.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), summary, 0, output);
    }

    // A batch of one ran through the model; the batch size is -1 like the input's.
    private static int[] BatchFirst(int[] dims, int[] input)
    {
        if (input.Length > 0 && input[0] < 0 && dims.Length > 0) dims[0] = -1;
        return dims;
    }

    private static string Format(int[] dims) => "(" + string.Join(",", dims) + ")";

    private static JsonArray ToArray(int[] dims) => new(dims.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
}
