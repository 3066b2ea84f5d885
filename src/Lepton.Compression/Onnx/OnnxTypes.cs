using Lepton.Engine;
using Onnx;

namespace Lepton.Compression.Onnx;

/// <summary>Lepton dtypes and ONNX's <c>TensorProto.DataType</c> codes, both ways.</summary>
internal static class OnnxTypes
{
    public static int ToOnnx(DType dtype) => dtype switch
    {
        DType.Float32 => (int)TensorProto.Types.DataType.Float,
        DType.Float64 => (int)TensorProto.Types.DataType.Double,
        DType.Float16 => (int)TensorProto.Types.DataType.Float16,
        DType.BFloat16 => (int)TensorProto.Types.DataType.Bfloat16,
        DType.Int8 => (int)TensorProto.Types.DataType.Int8,
        DType.UInt8 => (int)TensorProto.Types.DataType.Uint8,
        DType.Int32 => (int)TensorProto.Types.DataType.Int32,
        DType.Int64 => (int)TensorProto.Types.DataType.Int64,
        _ => throw new NotSupportedException($"dtype {dtype} has no ONNX tensor type here."),
    };

    /// <summary>The Lepton dtype of ONNX type <paramref name="code"/>, or null when Lepton has none (string, bool, complex, ...).</summary>
    public static DType? FromOnnx(int code) => (TensorProto.Types.DataType)code switch
    {
        TensorProto.Types.DataType.Float => DType.Float32,
        TensorProto.Types.DataType.Double => DType.Float64,
        TensorProto.Types.DataType.Float16 => DType.Float16,
        TensorProto.Types.DataType.Bfloat16 => DType.BFloat16,
        TensorProto.Types.DataType.Int8 => DType.Int8,
        TensorProto.Types.DataType.Uint8 => DType.UInt8,
        TensorProto.Types.DataType.Int32 => DType.Int32,
        TensorProto.Types.DataType.Int64 => DType.Int64,
        _ => null,
    };

    /// <summary>Bytes per element of ONNX type <paramref name="code"/>; 0 for variable-size types (string).</summary>
    public static int ElementSize(int code) => (TensorProto.Types.DataType)code switch
    {
        TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Uint64
            or TensorProto.Types.DataType.Complex64 => 8,
        TensorProto.Types.DataType.Complex128 => 16,
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Uint32 => 4,
        TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16 or TensorProto.Types.DataType.Int16
            or TensorProto.Types.DataType.Uint16 => 2,
        TensorProto.Types.DataType.String => 0,
        _ => 1,
    };
}
