using System.Text.Json.Nodes;
using Lepton.NN.Serialization;

namespace Lepton.NN.Graph;

/// <summary>
/// A model as a directed acyclic graph of layer calls, Keras functional style: named inputs, nodes that call a layer,
/// a merge op or a block on the outputs of earlier nodes, and named outputs. The <c>graph</c> of model.json version 2.
/// </summary>
public sealed record GraphSpec(
    IReadOnlyList<InputSpec> Inputs,
    IReadOnlyList<GraphNode> Nodes,
    IReadOnlyList<GraphOutput> Outputs,
    IReadOnlyDictionary<string, GraphBlock> Blocks);

/// <summary>
/// One call: <paramref name="Type"/> is a layer type (<c>Conv2d</c>), a merge or shape op (<c>Add</c>, <c>Concat</c>) or a block
/// name. <paramref name="Inputs"/> reference graph inputs or node outputs as <c>name</c> or <c>name:k</c> (output k).
/// The node's name is its tensor prefix: node <c>layer1</c> of a block owns <c>layer1.conv1.weight</c>.
/// </summary>
public sealed record GraphNode(string Name, string Type, JsonObject Options, IReadOnlyList<string> Inputs);

/// <summary>A named output of the graph and the node output it returns (<c>name</c> or <c>name:k</c>).</summary>
public sealed record GraphOutput(string Name, string Source);

/// <summary>
/// A reusable sub-graph (a residual block), defined once and instantiated by nodes whose type is its name.
/// Option values written <c>"$name"</c> inside its nodes take the instantiating node's option <c>name</c>;
/// <paramref name="Parameters"/> maps each parameter to its default (null: required).
/// </summary>
public sealed record GraphBlock(
    IReadOnlyDictionary<string, JsonNode?> Parameters,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<GraphNode> Nodes,
    IReadOnlyList<string> Outputs);
