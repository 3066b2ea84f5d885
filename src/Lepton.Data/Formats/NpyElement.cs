using System.Buffers.Binary;
using Lepton.Engine;

namespace Lepton.Data.Formats;

/// <summary>One .npy element type ('&lt;f4', '|u1', '&gt;i8', ...) and how its bytes become tensor values.</summary>
internal readonly record struct NpyElement(char Kind, int Size, bool BigEndian)
{
    public static NpyElement Parse(string descr, string name)
    {
        if (descr.Length >= 3 && descr[0] is '<' or '>' or '|' or '=' && int.TryParse(descr.AsSpan(2), out int size))
        {
            var element = new NpyElement(descr[1], size, descr[0] == '>');
            bool known = element.Kind switch
            {
                'f' => size is 2 or 4 or 8,
                'i' or 'u' => size is 1 or 2 or 4 or 8,
                'b' => size == 1,
                _ => false,
            };
            if (known) return element;
        }
        throw new InvalidDataException(
            $"{name}: .npy dtype '{descr}' is not supported; use float16/32/64, (u)int8/16/32/64 or bool (e.g. a.astype(np.float32)).");
    }

    public Tensor Decode(byte[] payload, int numel, int[] dims, string name)
    {
        if (BigEndian && Size > 1)
            for (int i = 0; i < numel; i++) payload.AsSpan(i * Size, Size).Reverse();
        var p = payload.AsSpan();
        switch (Kind)
        {
            case 'f' when Size == 8:
            {
                var v = new double[numel];
                for (int i = 0; i < numel; i++) v[i] = BinaryPrimitives.ReadDoubleLittleEndian(p[(8 * i)..]);
                return Shaped(Tensor.FromArray(v), dims);
            }
            case 'f':
            {
                var v = new float[numel];
                for (int i = 0; i < numel; i++)
                    v[i] = Size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(p[(4 * i)..]) : (float)BinaryPrimitives.ReadHalfLittleEndian(p[(2 * i)..]);
                return Shaped(Tensor.FromArray(v), dims);
            }
            default:
            {
                var v = new int[numel];
                for (int i = 0; i < numel; i++)
                {
                    long value = ReadInteger(p.Slice(i * Size, Size), out bool overflow);
                    if (overflow || value is < int.MinValue or > int.MaxValue)
                        throw new InvalidDataException(
                            $"{name}: element {i} ({(overflow ? "above 2^63" : value)}) does not fit in Int32; Lepton reads integer arrays as Int32.");
                    v[i] = (int)value;
                }
                return Shaped(Tensor.FromArray(v), dims);
            }
        }
    }

    // FromArray treats an empty shape as "flat", so 0-d arrays are reshaped explicitly.
    private static Tensor Shaped(Tensor flat, int[] dims) => flat.Reshape(dims);

    private long ReadInteger(ReadOnlySpan<byte> b, out bool overflow)
    {
        overflow = false;
        bool signed = Kind == 'i';
        switch (Size)
        {
            case 1: return signed ? (sbyte)b[0] : b[0];
            case 2: return signed ? BinaryPrimitives.ReadInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
            case 4: return signed ? BinaryPrimitives.ReadInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
            default:
                if (signed) return BinaryPrimitives.ReadInt64LittleEndian(b);
                ulong u = BinaryPrimitives.ReadUInt64LittleEndian(b);
                overflow = u > long.MaxValue;
                return overflow ? 0 : (long)u;
        }
    }
}
