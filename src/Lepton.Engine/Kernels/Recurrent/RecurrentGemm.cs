using System.Numerics;

namespace Lepton.Engine.Kernels.Recurrent;

/// <summary>
/// The recurrent matrix W_hh (G,H) of one layer and direction, ready for the two per-step products over a block of rows:
/// gates = h·W_hhᵀ (forward) and dh = dGates·W_hh (backward). Float packs each operand once per sequence rather than per step.
/// </summary>
internal sealed class RecurrentWeight<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _w;
    private readonly int _g, _h;
    private PackedGemmB? _forward, _backward;

    public RecurrentWeight(T[] w, int g, int h) => (_w, _g, _h) = (w, g, h);

    // Packed panels follow the calling thread's micro-kernel; a forced kernel (tests) runs unpacked.
    private static bool CanPack => typeof(T) == typeof(float) && Gemm.KernelOverride == GemmKernelKind.Auto;

    /// <summary>Packs W_hhᵀ for <see cref="Gates"/>; call on the calling thread before the rows are split.</summary>
    public void PrepareForward()
    {
        if (CanPack) _forward ??= Gemm.PackB(transB: true, _h, _g, (float[])(object)_w, 0, _h);
    }

    /// <summary>Packs W_hh for <see cref="HiddenGradient"/>; call on the calling thread before the rows are split.</summary>
    public void PrepareBackward()
    {
        if (CanPack) _backward ??= Gemm.PackB(transB: false, _g, _h, (float[])(object)_w, 0, _h);
    }

    /// <summary>c[m, G] (row stride ldc) = a[m, H] (row stride lda) · W_hhᵀ.</summary>
    public void Gates(int m, T[] a, int aOff, int lda, T[] c, int cOff, int ldc)
    {
        if (m == 0) return;
        if (_forward is not null)
            Gemm.SgemmPacked(false, m, 1f, (float[])(object)a, aOff, lda, _forward, 0f, (float[])(object)c, cOff, ldc);
        else Product(false, true, m, _g, _h, a, aOff, lda, _w, _h, c, cOff, ldc);
    }

    /// <summary>c[m, H] (row stride ldc) = a[m, G] (row stride lda) · W_hh.</summary>
    public void HiddenGradient(int m, T[] a, int aOff, int lda, T[] c, int cOff, int ldc)
    {
        if (m == 0) return;
        if (_backward is not null)
            Gemm.SgemmPacked(false, m, 1f, (float[])(object)a, aOff, lda, _backward, 0f, (float[])(object)c, cOff, ldc);
        else Product(false, false, m, _h, _g, a, aOff, lda, _w, _h, c, cOff, ldc);
    }

    /// <summary>c = op(a)·op(b) with beta 0, in T.</summary>
    public static void Product(bool ta, bool tb, int m, int n, int k, T[] a, int aOff, int lda, T[] b, int ldb, T[] c, int cOff, int ldc)
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(ta, tb, m, n, k, 1f, (float[])(object)a, aOff, lda, (float[])(object)b, 0, ldb, 0f, (float[])(object)c, cOff, ldc);
        else if (typeof(T) == typeof(double))
            Gemm.Dgemm(ta, tb, m, n, k, 1.0, (double[])(object)a, aOff, lda, (double[])(object)b, 0, ldb, 0.0, (double[])(object)c, cOff, ldc);
        else throw new NotSupportedException($"Recurrent layers run in Float32 or Float64, got {typeof(T).Name}.");
    }
}
