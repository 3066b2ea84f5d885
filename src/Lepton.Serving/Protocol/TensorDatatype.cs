using System.Buffers.Binary;

namespace Lepton.Serving.Protocol;

/// <summary>The tensor datatypes of the Open Inference Protocol (names are case-sensitive, as the protocol says).</summary>
public enum TensorDatatype
{
    Bool,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Int8,
    Int16,
    Int32,
    Int64,
    Fp16,
    Fp32,
    Fp64,
    Bytes,
}

/// <summary>Names, element sizes and value conversion of <see cref="TensorDatatype"/>.</summary>
public static class TensorDatatypes
{
    private static readonly string[] Names = ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"];

    /// <summary>The datatypes a model input accepts: every numeric type, converted to the model's float32.</summary>
    public const string NumericList = "FP32, FP64, FP16, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64";

    public static string Name(TensorDatatype type) => Names[(int)type];

    public static bool TryParse(string? text, out TensorDatatype type)
    {
        int i = text is null ? -1 : Array.IndexOf(Names, text);
        type = i < 0 ? default : (TensorDatatype)i;
        return i >= 0;
    }

    public static bool IsNumeric(TensorDatatype type) => type is not (TensorDatatype.Bool or TensorDatatype.Bytes);

    public static bool IsInteger(TensorDatatype type) => type is >= TensorDatatype.Uint8 and <= TensorDatatype.Int64;

    /// <summary>Bytes per element in the binary tensor extension; BYTES elements have no fixed size (-1).</summary>
    public static int ElementSize(TensorDatatype type) => type switch
    {
        TensorDatatype.Bool or TensorDatatype.Uint8 or TensorDatatype.Int8 => 1,
        TensorDatatype.Uint16 or TensorDatatype.Int16 or TensorDatatype.Fp16 => 2,
        TensorDatatype.Uint32 or TensorDatatype.Int32 or TensorDatatype.Fp32 => 4,
        TensorDatatype.Uint64 or TensorDatatype.Int64 or TensorDatatype.Fp64 => 8,
        _ => -1,
    };

    /// <summary>The inclusive range of an integer datatype, for checking JSON values before conversion.</summary>
    public static (double Min, double Max) IntegerRange(TensorDatatype type) => type switch
    {
        TensorDatatype.Uint8 => (byte.MinValue, byte.MaxValue),
        TensorDatatype.Uint16 => (ushort.MinValue, ushort.MaxValue),
        TensorDatatype.Uint32 => (uint.MinValue, uint.MaxValue),
        TensorDatatype.Uint64 => (ulong.MinValue, ulong.MaxValue),
        TensorDatatype.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        TensorDatatype.Int16 => (short.MinValue, short.MaxValue),
        TensorDatatype.Int32 => (int.MinValue, int.MaxValue),
        TensorDatatype.Int64 => (long.MinValue, long.MaxValue),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    /// <summary>Decodes little-endian binary elements of a numeric datatype into float32 values.</summary>
    public static void DecodeLittleEndian(TensorDatatype type, ReadOnlySpan<byte> bytes, Span<float> values)
    {
        int size = ElementSize(type);
        for (int i = 0; i < values.Length; i++)
        {
            var e = bytes.Slice(i * size, size);
            values[i] = type switch
            {
                TensorDatatype.Uint8 => e[0],
                TensorDatatype.Int8 => (sbyte)e[0],
                TensorDatatype.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
                TensorDatatype.Int16 => BinaryPrimitives.ReadInt16LittleEndian(e),
                TensorDatatype.Fp16 => (float)BinaryPrimitives.ReadHalfLittleEndian(e),
                TensorDatatype.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
                TensorDatatype.Int32 => BinaryPrimitives.ReadInt32LittleEndian(e),
                TensorDatatype.Fp32 => BinaryPrimitives.ReadSingleLittleEndian(e),
                TensorDatatype.Uint64 => BinaryPrimitives.ReadUInt64LittleEndian(e),
                TensorDatatype.Int64 => BinaryPrimitives.ReadInt64LittleEndian(e),
                TensorDatatype.Fp64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(e),
                _ => throw new ArgumentException($"{Name(type)} is not a numeric datatype."),
            };
        }
    }
}
