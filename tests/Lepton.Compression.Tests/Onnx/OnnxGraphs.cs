using Onnx;

namespace Lepton.Compression.Tests.Onnx;

/// <summary>Small ONNX graphs written in the tests, for what Debian's PyTorch cannot export (ai.onnx.ml operators, float16 on CPU).</summary>
internal static class OnnxGraphs
{
    /// <summary>A tensor (N) or (N, width) of <paramref name="type"/> with a symbolic batch axis.</summary>
    public static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, int? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width is { } w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>A model of <paramref name="graph"/> at IR 8, default opset 17 (and ai.onnx.ml 3 when asked).</summary>
    public static ModelProto Model(GraphProto graph, bool ml = false)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        if (ml) model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 3 });
        return model;
    }
}
