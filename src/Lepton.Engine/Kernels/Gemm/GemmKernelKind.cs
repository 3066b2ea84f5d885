namespace Lepton.Engine.Kernels;

/// <summary>Which SGEMM micro-kernel runs; <see cref="Auto"/> picks the widest the CPU supports.</summary>
public enum GemmKernelKind
{
    /// <summary>AVX-512 when accelerated, else AVX2 with FMA, else scalar.</summary>
    Auto,
    /// <summary>8x32 tile of Vector512 FMAs.</summary>
    Avx512,
    /// <summary>6x16 tile of Vector256 FMAs.</summary>
    Avx2,
    /// <summary>4x4 tile of scalar multiply-adds: runs anywhere.</summary>
    Scalar,
}
