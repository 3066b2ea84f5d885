namespace Lepton.NN.Graph;

/// <summary>A failure inside one node of a graph; nested blocks extend <see cref="NodePath"/> (<c>layer1.conv2</c>).</summary>
public sealed class GraphNodeException(string nodePath, string nodeType, string detail, Exception? inner = null)
    : ArgumentException($"node '{nodePath}' ({nodeType}): {detail}", inner)
{
    public string NodePath { get; } = nodePath;

    public string NodeType { get; } = nodeType;

    public string Detail { get; } = detail;
}
