namespace Lepton.Data.Formats;

/// <summary>The element type byte of an IDX file (third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    UInt8 = 0x08,
    Int8 = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}
