namespace Lepton.Engine;

/// <summary>Work written once for any element type; <see cref="DTypeSwitch"/> calls it with the CLR type of a dtype.</summary>
internal interface IDTypeAction
{
    void Run<T>() where T : unmanaged;
}

/// <summary>The one switch from a <see cref="DType"/> to its CLR element type, for copy-like ops that work on every dtype.</summary>
internal static class DTypeSwitch
{
    public static void Run<TAction>(DType dtype, ref TAction action) where TAction : struct, IDTypeAction, allows ref struct
    {
        switch (dtype)
        {
            case DType.Float32: action.Run<float>(); break;
            case DType.Float64: action.Run<double>(); break;
            case DType.Int32: action.Run<int>(); break;
            case DType.Int8: action.Run<sbyte>(); break;
            case DType.UInt8: action.Run<byte>(); break;
            case DType.Int64: action.Run<long>(); break;
            case DType.Float16: action.Run<Half>(); break;
            case DType.BFloat16: action.Run<BFloat16>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Unknown DType value {(int)dtype}.");
        }
    }
}
