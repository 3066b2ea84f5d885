using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.NN.Graph;

/// <summary>Reads and writes the <c>graph</c> object of model.json version 2, with errors that name the field.</summary>
public static class GraphSpecJson
{
    public static JsonObject Write(GraphSpec spec)
    {
        var blocks = new JsonObject();
        foreach (var (name, b) in spec.Blocks)
        {
            var parameters = new JsonObject();
            foreach (var (p, d) in b.Parameters) parameters[p] = d?.DeepClone();
            blocks[name] = new JsonObject
            {
                ["parameters"] = parameters,
                ["inputs"] = Strings(b.Inputs),
                ["nodes"] = Nodes(b.Nodes),
                ["outputs"] = Strings(b.Outputs),
            };
        }
        var graph = new JsonObject
        {
            ["inputs"] = new JsonArray(spec.Inputs.Select(i => (JsonNode)InputSpecJson.Write(i)).ToArray()),
        };
        if (spec.Blocks.Count > 0) graph["blocks"] = blocks;
        graph["nodes"] = Nodes(spec.Nodes);
        graph["outputs"] = new JsonArray(spec.Outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["source"] = o.Source }).ToArray());
        return graph;
    }

    public static GraphSpec Read(JsonNode? node, string source)
    {
        if (node is not JsonObject g)
            throw new InvalidDataException($"{source}: \"graph\" is missing or not an object with \"inputs\", \"nodes\" and \"outputs\" (see docs/model-format.md).");
        if (g["inputs"] is not JsonArray inputsArray)
            throw new InvalidDataException($"{source}: graph.inputs must be a list like [{{\"name\": \"image\", \"shape\": [-1, 1, 28, 28], \"dtype\": \"float32\"}}].");
        var inputs = inputsArray.Select((n, i) =>
        {
            string at = $"graph.inputs[{i}]";
            if (n is not JsonObject o) throw new InvalidDataException($"{source}: {at} must be an object with \"name\" and \"shape\".");
            Text(o["name"], source, at + ".name");
            return InputSpecJson.Read(o, source, at);
        }).ToList();

        var blocks = new Dictionary<string, GraphBlock>(StringComparer.Ordinal);
        if (g["blocks"] is JsonObject bo)
        {
            foreach (var (name, value) in bo)
            {
                string at = $"graph.blocks.{name}";
                if (value is not JsonObject b) throw new InvalidDataException($"{source}: {at} must be an object with \"inputs\", \"nodes\" and \"outputs\".");
                var parameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                if (b["parameters"] is JsonObject po)
                    foreach (var (p, d) in po) parameters[p] = d?.DeepClone();
                else if (b["parameters"] is not null)
                    throw new InvalidDataException($"{source}: {at}.parameters must be an object of defaults, null for a required parameter: {{\"channels\": null, \"stride\": 1}}.");
                blocks[name] = new GraphBlock(parameters, TextList(b["inputs"], source, at + ".inputs"), ReadNodes(b["nodes"], source, at + ".nodes"),
                    TextList(b["outputs"], source, at + ".outputs"));
            }
        }
        else if (g["blocks"] is not null)
        {
            throw new InvalidDataException($"{source}: graph.blocks must be an object mapping block names to sub-graphs.");
        }

        if (g["outputs"] is not JsonArray outputsArray)
            throw new InvalidDataException($"{source}: graph.outputs must be a list like [{{\"name\": \"logits\", \"source\": \"fc\"}}].");
        var outputs = outputsArray.Select((n, i) => n switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => new GraphOutput(s, s),
            JsonObject o => new GraphOutput(Text(o["name"], source, $"graph.outputs[{i}].name"), Text(o["source"], source, $"graph.outputs[{i}].source")),
            _ => throw new InvalidDataException($"{source}: graph.outputs[{i}] must be a node name or {{\"name\": ..., \"source\": ...}}."),
        }).ToList();
        return new GraphSpec(inputs, ReadNodes(g["nodes"], source, "graph.nodes"), outputs, blocks);
    }

    private static List<GraphNode> ReadNodes(JsonNode? node, string source, string at)
    {
        if (node is not JsonArray a)
            throw new InvalidDataException($"{source}: {at} must be a list of {{\"name\", \"type\", \"options\", \"inputs\"}} objects.");
        return a.Select((n, i) =>
        {
            string where = $"{at}[{i}]";
            if (n is not JsonObject o) throw new InvalidDataException($"{source}: {where} must be an object with \"name\", \"type\" and \"inputs\".");
            var options = o["options"] switch
            {
                null => new JsonObject(),
                JsonObject x => (JsonObject)x.DeepClone(),
                _ => throw new InvalidDataException($"{source}: {where}: \"options\" must be an object."),
            };
            return new GraphNode(Text(o["name"], source, where + ".name"), Text(o["type"], source, where + ".type"), options,
                TextList(o["inputs"], source, where + ".inputs"));
        }).ToList();
    }

    private static JsonArray Nodes(IEnumerable<GraphNode> nodes) => new(nodes.Select(n => (JsonNode)new JsonObject
    {
        ["name"] = n.Name,
        ["type"] = n.Type,
        ["options"] = n.Options.DeepClone(),
        ["inputs"] = Strings(n.Inputs),
    }).ToArray());

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static string Text(JsonNode? n, string source, string field) =>
        n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s
        : throw new InvalidDataException($"{source}: {field} must be a non-empty string, got {n?.ToJsonString() ?? "nothing"}.");

    private static List<string> TextList(JsonNode? n, string source, string field) =>
        n is JsonArray a ? a.Select((x, i) => Text(x, source, $"{field}[{i}]")).ToList()
        : throw new InvalidDataException($"{source}: {field} must be a list of names.");
}
