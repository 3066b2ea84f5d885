using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Engine;
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
        var model = spec.BuildModel(new Generator(0));
        var rows = model.Summary(spec.Input.Shape, spec.Input.DType);
        var output = rows.Count > 0 ? rows[^1].OutputShape.ToArray() : spec.Input.Shape.Select(d => d < 0 ? 1 : d).ToArray();
        if (spec.Input.Shape.Length > 0 && spec.Input.Shape[0] < 0 && output.Length > 0) output[0] = -1;
        long parameters = model.ParameterCount;

        var signature = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = spec.Input.Name,
                ["shape"] = ToArray(spec.Input.Shape),
                ["dtype"] = ModelSpecJson.DTypeName(spec.Input.DType),
            }),
            ["outputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "output",
                ["shape"] = ToArray(output),
                ["dtype"] = ModelSpecJson.DTypeName(DType.Float32),
            }),
            ["class_names"] = new JsonArray(spec.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        var layers = string.Join(" → ", model.Layers.Select(l => l.TypeName));
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{layers}; {parameters:N0} parameters; {spec.Input.Name} {Format(spec.Input.Shape)} → {Format(output)}");
        return new ModelDescription(signature.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), summary, parameters, output);
    }

    private static string Format(int[] dims) => "(" + string.Join(",", dims) + ")";

    private static JsonArray ToArray(int[] dims) => new(dims.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
}
