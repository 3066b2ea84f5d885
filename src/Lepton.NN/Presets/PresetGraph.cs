using System.Text.Json.Nodes;
using Lepton.NN.Graph;

namespace Lepton.NN.Presets;

/// <summary>Helpers that write a preset's graph as the same JSON a model.json version 2 holds, so a preset saves and loads like any graph.</summary>
internal static class PresetGraph
{
    public static JsonObject Node(string name, string type, JsonObject? options, params string[] inputs) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["options"] = options ?? new JsonObject(),
        ["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)i).ToArray()),
    };

    public static JsonObject Conv(string inC, string outC, int kernel, object stride, int padding, object? groups = null)
    {
        var o = new JsonObject
        {
            ["in_channels"] = Value(inC), ["out_channels"] = Value(outC), ["kernel_size"] = kernel,
            ["stride"] = Value(stride), ["padding"] = padding, ["bias"] = false,
        };
        if (groups is not null) o["groups"] = Value(groups);
        return o;
    }

    public static JsonObject Features(object n) => new() { ["num_features"] = Value(n) };

    // "$name" strings are block parameters; numbers written as strings stay numbers.
    public static JsonNode Value(object v) => v switch
    {
        int i => i,
        string s when int.TryParse(s, out int i) => i,
        string s => s,
        _ => throw new ArgumentException($"Unsupported preset option value {v}."),
    };

    public static GraphModel Build(int inChannels, int height, int width, JsonObject blocks, JsonArray nodes, string output, Engine.Generator rng, string name) =>
        Build(new JsonArray(new JsonObject
        {
            ["name"] = "image", ["shape"] = new JsonArray(-1, inChannels, height, width), ["dtype"] = "float32",
        }), blocks, nodes, output, rng, name);

    /// <summary>A graph with the given <paramref name="inputs"/> (<c>{"name", "shape", "dtype"}</c> objects) and one output, <c>logits</c>.</summary>
    public static GraphModel Build(JsonArray inputs, JsonObject blocks, JsonArray nodes, string output, Engine.Generator rng, string name)
    {
        var graph = new JsonObject
        {
            ["inputs"] = inputs,
            ["blocks"] = blocks,
            ["nodes"] = nodes,
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "logits", ["source"] = output }),
        };
        // Through text, so the reader sees parsed JSON numbers exactly as in a model.json file.
        var parsed = JsonNode.Parse(graph.ToJsonString());
        return GraphBuilder.Build(GraphSpecJson.Read(parsed, $"preset '{name}'"), rng, $"preset '{name}'");
    }
}
