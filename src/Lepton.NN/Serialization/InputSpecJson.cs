using System.Text.Json.Nodes;
using Lepton.Engine;

namespace Lepton.NN.Serialization;

/// <summary>Reads and writes one input of model.json (<c>input</c> in version 1, each of <c>graph.inputs</c> in version 2).</summary>
public static class InputSpecJson
{
    public static JsonObject Write(InputSpec input)
    {
        var o = new JsonObject
        {
            ["name"] = input.Name,
            ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)d).ToArray()),
            ["dtype"] = ModelSpecJson.DTypeName(input.DType),
        };
        if (input.Kind != InputKind.Tensor) o["kind"] = KindName(input.Kind);
        if (input.Image is { } image) o["image"] = new JsonObject { ["resize"] = image.Resize, ["max_pixels"] = image.MaxPixels };
        if (input.Preprocessing is { } p) o["preprocessing"] = ModelSpecJson.WritePreprocessing(p);
        return o;
    }

    public static InputSpec Read(JsonObject o, string source, string at)
    {
        var input = new InputSpec(
            o["name"] is JsonValue nv && nv.TryGetValue<string>(out var name) ? name : "input",
            ModelSpecJson.GetIntArray(o["shape"], source, at + ".shape"),
            o["dtype"] is null ? DType.Float32 : ModelSpecJson.ParseDType(o["dtype"], source),
            Preprocessing: ModelSpecJson.ReadPreprocessing(o["preprocessing"], source, at + ".preprocessing"));
        var kindText = o["kind"] is null ? "tensor" : o["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : "";
        InputKind kind = kindText switch
        {
            "tensor" => InputKind.Tensor,
            "image" => InputKind.Image,
            "text" => InputKind.Text,
            "table" => InputKind.Table,
            _ => throw new InvalidDataException($"{source}: {at}.kind \"{kindText}\" is not an input kind; use \"tensor\", \"image\", \"text\" or \"table\"."),
        };
        if (kind != InputKind.Image)
        {
            if (o["image"] is not null) throw new InvalidDataException($"{source}: {at}.image is given, but {at}.kind is \"{kindText}\"; set \"kind\": \"image\".");
            return input with { Kind = kind };
        }
        var shape = input.Shape;
        if (shape.Length != 4 || shape[1] is not (1 or 3) || shape[2] < 1 || shape[3] < 1 || input.DType != DType.Float32)
            throw new InvalidDataException(
                $"{source}: {at} is an image input, so its shape must be [-1, C, H, W] with C 1 (gray) or 3 (RGB) and its dtype float32; got [{string.Join(", ", shape)}] {ModelSpecJson.DTypeName(input.DType)}.");
        var options = new ImageInputOptions();
        if (o["image"] is JsonObject io)
        {
            var resize = io["resize"] is null ? ImageInputOptions.Stretch : io["resize"] is JsonValue rv && rv.TryGetValue<string>(out var r) ? r : "";
            if (!ImageInputOptions.Policies.Contains(resize))
                throw new InvalidDataException($"{source}: {at}.image.resize \"{resize}\" is not a policy; use {string.Join(", ", ImageInputOptions.Policies.Select(p => $"\"{p}\""))}.");
            long maxPixels = io["max_pixels"] is null ? options.MaxPixels : (long)ModelSpecJson.GetDouble(io["max_pixels"], source, at + ".image.max_pixels");
            if (maxPixels < 1) throw new InvalidDataException($"{source}: {at}.image.max_pixels must be positive.");
            options = new ImageInputOptions(resize, maxPixels);
        }
        else if (o["image"] is not null)
        {
            throw new InvalidDataException($"{source}: {at}.image must be an object like {{\"resize\": \"stretch\"}}.");
        }
        return input with { Kind = kind, Image = options };
    }

    private static string KindName(InputKind kind) => kind switch
    {
        InputKind.Image => "image",
        InputKind.Text => "text",
        InputKind.Table => "table",
        _ => "tensor",
    };
}
