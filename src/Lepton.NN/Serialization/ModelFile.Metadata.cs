using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.NN.Serialization;

public static partial class ModelFile
{
    /// <summary>
    /// Edits the <c>metadata</c> object of <paramref name="dir"/>'s model.json in place (created when absent), as JSON, so the fields of
    /// every model kind (LightGBM, ONNX, ensembles) survive untouched.
    /// </summary>
    public static void EditMetadata(string dir, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        string path = Path.Combine(dir, SpecFileName);
        var spec = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} holds no JSON object.");
        var metadata = spec["metadata"] as JsonObject ?? [];
        edit(metadata);
        spec["metadata"] = metadata;
        File.WriteAllText(path, spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
