using System.Globalization;
using Google.Protobuf;
using Lepton.Engine;
using Onnx;

namespace Lepton.Compression.Onnx.Export;

/// <summary>
/// Builds one ONNX <see cref="GraphProto"/>: weights as initializers, nodes in execution order, and unique value names. Tracks
/// each value's rank where it is known, since some layers export differently by rank (Linear: Gemm on (N,F), MatMul above).
/// </summary>
internal sealed class OnnxGraphWriter
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ranks = new(StringComparer.Ordinal);
    private int _constants;

    public GraphProto Graph { get; } = new();

    /// <summary>Declares a graph input; its name is taken as is.</summary>
    public void AddInput(string name, DType dtype, int[] shape, string batchName)
    {
        Reserve(name);
        Graph.Input.Add(ValueInfo(name, dtype, shape, batchName));
        _ranks[name] = shape.Length;
    }

    /// <summary>Declares a graph output fed by <paramref name="source"/>; an Identity node gives it the signature's name.</summary>
    public void AddOutput(string name, string source, DType dtype, int[]? shape, string batchName)
    {
        if (source != name)
        {
            Reserve(name);
            Node("Identity", [source], [name], nodeName: name);
        }
        Graph.Output.Add(ValueInfo(name, dtype, shape, batchName));
    }

    /// <summary>A weight as an initializer named <paramref name="name"/> (its state-dict name, made unique).</summary>
    public string Initializer(string name, Tensor value)
    {
        var unique = Unique(name);
        var dense = value.Contiguous();
        var proto = new TensorProto { Name = unique, DataType = OnnxTypes.ToOnnx(dense.DType), RawData = ByteString.CopyFrom(dense.ToBytes()) };
        foreach (var d in dense.Shape.Dims) proto.Dims.Add(d);
        Graph.Initializer.Add(proto);
        _ranks[unique] = dense.Rank;
        return unique;
    }

    /// <summary>A float32 constant (a scalar when <paramref name="shape"/> is empty).</summary>
    public string Constant(float[] values, params int[] shape) =>
        Initializer($"const_{_constants++}", Tensor.FromArray(values, shape));

    /// <summary>An int64 constant, e.g. a Reshape target.</summary>
    public string Constant(long[] values, params int[] shape) =>
        Initializer($"const_{_constants++}", Tensor.FromArray(values, shape));

    /// <summary>Adds a node whose one output is a fresh name derived from <paramref name="outputHint"/>; returns that name.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, string outputHint, int? rank, params AttributeProto[] attributes)
    {
        var output = Unique(outputHint);
        Node(op, inputs, [output], outputHint, attributes);
        if (rank is { } r) _ranks[output] = r;
        return output;
    }

    public void Node(string op, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string nodeName, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = UniqueNodeName(nodeName) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>The rank of value <paramref name="name"/>, or null when an earlier layer left it unknown.</summary>
    public int? RankOf(string name) => _ranks.TryGetValue(name, out var r) ? r : null;

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    private string UniqueNodeName(string hint)
    {
        var name = hint;
        for (int i = 1; !_nodeNames.Add(name); i++) name = string.Create(CultureInfo.InvariantCulture, $"{hint}_{i}");
        return name;
    }

    private void Reserve(string name)
    {
        if (!_names.Add(name))
            throw new InvalidOperationException($"ONNX value name '{name}' is used twice; inputs and outputs need distinct names.");
    }

    private string Unique(string hint)
    {
        var name = hint;
        for (int i = 1; !_names.Add(name); i++) name = string.Create(CultureInfo.InvariantCulture, $"{hint}_{i}");
        return name;
    }

    // shape: example dims after the batch may be -1 (a named variable axis); the batch is always the symbolic batchName.
    private static ValueInfoProto ValueInfo(string name, DType dtype, int[]? shape, string batchName)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = OnnxTypes.ToOnnx(dtype) };
        if (shape is not null)
        {
            var s = new TensorShapeProto();
            for (int i = 0; i < shape.Length; i++)
            {
                s.Dim.Add(i == 0 ? new TensorShapeProto.Types.Dimension { DimParam = batchName }
                    : shape[i] < 0 ? new TensorShapeProto.Types.Dimension { DimParam = string.Create(CultureInfo.InvariantCulture, $"{name}_dim{i}") }
                    : new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
            }
            tensor.Shape = s;
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
