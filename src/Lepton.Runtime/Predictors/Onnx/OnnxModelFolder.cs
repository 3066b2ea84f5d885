using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Onnx;

/// <summary>
/// An imported ONNX model folder: <c>model.onnx</c> as it came (plus any external-data files beside it) and a <c>model.json</c>
/// that is a Lepton model spec (format 1, no layers, the first input, class names) whose <c>metadata</c> holds
/// <c>kind: "onnx"</c> and the graph's <c>inputs</c> and <c>outputs</c>, so the registry describes it without ONNX Runtime.
/// </summary>
public static class OnnxModelFolder
{
    public const string ModelFileName = "model.onnx";
    public const string KindName = "onnx";

    private const long MaxSpecBytes = 16L << 20;

    /// <summary>model.json's text for <paramref name="info"/>.</summary>
    public static string SpecJson(OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var spec = new ModelSpec
        {
            FormatVersion = 1,
            Input = ToInputSpec(info.Inputs[0]),
            ClassNames = info.ClassNames,
            Metadata = new JsonObject
            {
                ["kind"] = KindName,
                ["inputs"] = new JsonArray([.. info.Inputs.Select(TensorJson)]),
                ["outputs"] = new JsonArray([.. info.Outputs.Select(TensorJson)]),
            },
        };
        if (info.IsClassifier)
        {
            spec.Metadata!["class_output"] = info.ClassOutputInfo.Name;
            spec.Metadata!["class_scores"] = info.ClassScores == OnnxClassScores.Probabilities ? "probabilities" : "logits";
        }
        var root = JsonNode.Parse(ModelSpecJson.Write(spec))!.AsObject();
        root["kind"] = KindName;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes model.json for <paramref name="info"/> into <paramref name="folder"/> (which already holds model.onnx).</summary>
    public static void WriteSpec(string folder, OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(folder);
        File.WriteAllText(Path.Combine(folder, ModelFile.SpecFileName), SpecJson(info), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>Reads model.json of an ONNX model folder; throws <see cref="InvalidDataException"/> naming the bad field.</summary>
    public static OnnxModelInfo ReadInfo(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, ModelFile.SpecFileName);
        var file = new FileInfo(path);
        if (!file.Exists) throw new InvalidDataException($"{path} not found; an ONNX model folder holds {ModelFile.SpecFileName} beside {ModelFileName}. Register the .onnx file with lepton models register NAME --from model.onnx.");
        if (file.Length > MaxSpecBytes) throw new InvalidDataException($"{path} holds {file.Length:N0} bytes, more than the {MaxSpecBytes:N0} a model.json may hold.");
        return ReadSpec(File.ReadAllText(path, Encoding.UTF8), path);
    }

    /// <summary>Parses an ONNX folder's model.json; <paramref name="source"/> names the file in errors.</summary>
    public static OnnxModelInfo ReadSpec(string json, string source = "model.json")
    {
        var spec = ModelSpecJson.Read(json, source);
        if (spec.Metadata is not { } metadata || metadata["kind"] is not JsonValue kind || !kind.TryGetValue<string>(out var k) || k != KindName)
            throw new InvalidDataException($"{source}: metadata.kind must be \"{KindName}\" beside {ModelFileName}.");
        var inputs = Tensors(metadata["inputs"], source, "inputs");
        var outputs = Tensors(metadata["outputs"], source, "outputs");
        // Folders written before class_output existed have one output, which is then the class output.
        string? classOutput = Text(metadata, "class_output", source);
        var scores = Text(metadata, "class_scores", source) switch
        {
            null or "logits" => OnnxClassScores.Logits,
            "probabilities" => OnnxClassScores.Probabilities,
            var other => throw new InvalidDataException($"{source}: metadata.class_scores is '{other}'; write logits or probabilities."),
        };
        if (spec.ClassNames.Count > 0)
        {
            var scored = classOutput is null ? (outputs.Count == 1 ? outputs[0] : null) : outputs.FirstOrDefault(o => o.Name == classOutput);
            if (scored is null || scored.Shape.Length != 2 || scored.Shape[1] != spec.ClassNames.Count)
                throw new InvalidDataException(
                    $"{source}: {spec.ClassNames.Count} class names need an output (N, {spec.ClassNames.Count}){(classOutput is null ? "" : $" named '{classOutput}'")}; the model's outputs are {string.Join(", ", outputs.Select(o => $"{o.Name} [{string.Join(",", o.Shape)}]"))}.");
        }
        return new OnnxModelInfo(inputs, outputs, spec.ClassNames, classOutput, scores);
    }

    private static string? Text(JsonObject metadata, string field, string source) => metadata[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw new InvalidDataException($"{source}: metadata.{field} must be a string."),
    };

    private static InputSpec ToInputSpec(OnnxTensorInfo t) => new(t.Name, t.Shape, t.DType);

    private const string BoolType = "bool";

    // An input spec, plus "onnx_type": "bool" for a bool tensor held as UInt8.
    private static JsonNode TensorJson(OnnxTensorInfo t)
    {
        var node = InputSpecJson.Write(ToInputSpec(t));
        if (t.IsBool) node["onnx_type"] = BoolType;
        return node;
    }

    private static List<OnnxTensorInfo> Tensors(JsonNode? node, string source, string field)
    {
        if (node is not JsonArray array || array.Count == 0)
            throw new InvalidDataException($"{source}: metadata.{field} must list at least one tensor {{\"name\", \"shape\", \"dtype\"}}.");
        var list = new List<OnnxTensorInfo>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject o) throw new InvalidDataException($"{source}: metadata.{field}[{i}] must be an object {{\"name\", \"shape\", \"dtype\"}}.");
            var spec = InputSpecJson.Read(o, source, $"metadata.{field}[{i}]");
            if (spec.Shape.Length == 0 || spec.Shape[0] != -1)
                throw new InvalidDataException($"{source}: metadata.{field}[{i}] '{spec.Name}' has shape [{string.Join(",", spec.Shape)}]; it must start with -1 for the batch.");
            bool isBool = o["onnx_type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == BoolType;
            if (isBool && spec.DType != Lepton.Engine.DType.UInt8)
                throw new InvalidDataException($"{source}: metadata.{field}[{i}] '{spec.Name}' is an ONNX bool tensor, which Lepton holds as uint8; its dtype says {spec.DType}.");
            list.Add(new OnnxTensorInfo(spec.Name, spec.DType, spec.Shape, isBool));
        }
        return list;
    }
}
