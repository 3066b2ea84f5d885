using System.Buffers.Binary;
using Lepton.Engine;

namespace Lepton.Data.Formats;

/// <summary>The contents of an IDX file: element type, dimensions, and the payload exactly as stored (big-endian).</summary>
public sealed record IdxArray(IdxDataType DataType, Shape Shape, byte[] Data)
{
    /// <summary>Bytes per element of an IDX data type.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UInt8 or IdxDataType.Int8 => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"Unknown IDX data type 0x{(byte)type:X2}."),
    };

    /// <summary>The values as a float32 tensor of <see cref="Shape"/>, each multiplied by <paramref name="scale"/> (1/255 maps pixels to [0,1]).</summary>
    public Tensor ToFloat32(float scale = 1f)
    {
        var values = new float[Shape.Size];
        var d = Data.AsSpan();
        switch (DataType)
        {
            case IdxDataType.UInt8: for (int i = 0; i < values.Length; i++) values[i] = d[i] * scale; break;
            case IdxDataType.Int8: for (int i = 0; i < values.Length; i++) values[i] = (sbyte)d[i] * scale; break;
            case IdxDataType.Int16: for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt16BigEndian(d[(2 * i)..]) * scale; break;
            case IdxDataType.Int32: for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(d[(4 * i)..]) * scale; break;
            case IdxDataType.Float32: for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(d[(4 * i)..]) * scale; break;
            case IdxDataType.Float64: for (int i = 0; i < values.Length; i++) values[i] = (float)(BinaryPrimitives.ReadDoubleBigEndian(d[(8 * i)..]) * scale); break;
        }
        return Tensor.FromArray(values, Shape.ToArray());
    }

    /// <summary>The values as an Int32 tensor (labels); float IDX data is rejected rather than truncated.</summary>
    public Tensor ToInt32()
    {
        var values = new int[Shape.Size];
        var d = Data.AsSpan();
        switch (DataType)
        {
            case IdxDataType.UInt8: for (int i = 0; i < values.Length; i++) values[i] = d[i]; break;
            case IdxDataType.Int8: for (int i = 0; i < values.Length; i++) values[i] = (sbyte)d[i]; break;
            case IdxDataType.Int16: for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt16BigEndian(d[(2 * i)..]); break;
            case IdxDataType.Int32: for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(d[(4 * i)..]); break;
            default: throw new InvalidOperationException($"IDX ToInt32: the file holds {DataType} values; use ToFloat32() for non-integer data.");
        }
        return Tensor.FromArray(values, Shape.ToArray());
    }
}
