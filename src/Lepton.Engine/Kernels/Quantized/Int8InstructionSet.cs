using System.Runtime.Intrinsics.X86;

namespace Lepton.Engine.Kernels.Quantized;

/// <summary>Which int8 kernels run: the scalar reference twins, AVX2 (256-bit, convolutions through im2col rows) or AVX-512 BW.</summary>
public enum Int8InstructionSet
{
    /// <summary>The plain twins: any CPU, the same numbers to the bit, slow.</summary>
    Reference,

    /// <summary>256-bit <c>vpmaddubsw</c> tiles (x86 CPUs since 2013, e.g. AMD Zen 2/3).</summary>
    Avx2,

    /// <summary>512-bit <c>vpmaddubsw</c> tiles and the pixel-major convolution.</summary>
    Avx512,
}

/// <summary>The int8 kernels this process runs: the best the CPU has, at most what <c>LEPTON_INT8_ISA</c> allows.</summary>
public static class Int8Kernels
{
    /// <summary>
    /// The best instruction set the CPU offers, capped by the environment variable <c>LEPTON_INT8_ISA</c> (<c>avx512</c>,
    /// <c>avx2</c> or <c>reference</c>) to compare kernels or rule one out.
    /// </summary>
    public static Int8InstructionSet Available => _available.Value;

    // Read once, on first use; a bad setting is an ArgumentException naming it at every use, not a type-initializer failure.
    private static readonly Lazy<Int8InstructionSet> _available = new(() => Cap(Supported, Environment.GetEnvironmentVariable("LEPTON_INT8_ISA")));

    /// <summary>What the CPU itself supports.</summary>
    public static Int8InstructionSet Supported =>
        Avx512BW.IsSupported ? Int8InstructionSet.Avx512 : Avx2.IsSupported ? Int8InstructionSet.Avx2 : Int8InstructionSet.Reference;

    /// <summary><paramref name="supported"/>, lowered to <paramref name="setting"/> when that names a lower set; unknown names are refused.</summary>
    public static Int8InstructionSet Cap(Int8InstructionSet supported, string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return supported;
        var wanted = setting.Trim().ToLowerInvariant() switch
        {
            "avx512" or "avx-512" => Int8InstructionSet.Avx512,
            "avx2" => Int8InstructionSet.Avx2,
            "reference" or "scalar" => Int8InstructionSet.Reference,
            _ => throw new ArgumentException($"LEPTON_INT8_ISA='{setting}' is not an int8 instruction set; use avx512, avx2 or reference, or unset it."),
        };
        return wanted < supported ? wanted : supported;
    }
}
