using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    /// <summary>Single-precision GEMM on arrays with offsets; see the class summary for the layout.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc)
    {
        if (m == 0 || n == 0) return;
        // Rows of C are independent: split them across cores. Each row is an axpy over rows of op(B).
        float[] bn = b;
        int bo = bOffset, ldbn = ldb;
        if (transB)
        {
            // op(B) = Bᵀ: make a dense (K,N) copy so the inner loop runs along contiguous memory.
            bn = GC.AllocateUninitializedArray<float>(k * n);
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) bn[p * n + j] = b[bOffset + j * ldb + p];
            bo = 0;
            ldbn = n;
        }
        CpuParallel.For(m, (long)n * k, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                var crow = c.AsSpan(cOffset + i * ldc, n);
                if (beta == 0) crow.Clear();
                else if (beta != 1) Scale(crow, beta);
                for (int p = 0; p < k; p++)
                {
                    float av = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
                    if (av == 0) continue;
                    Axpy(av, bn.AsSpan(bo + p * ldbn, n), crow);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(Span<float> x, float s)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= s;
    }

    // y += a * x, vectorized with the widest available registers.
    private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i + 16 <= x.Length; i += 16)
            {
                var vy = Vector512.Create(y.Slice(i, 16));
                var vx = Vector512.Create(x.Slice(i, 16));
                Vector512.FusedMultiplyAdd(va, vx, vy).CopyTo(y.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + 8 <= x.Length; i += 8)
            {
                var vy = Vector256.Create(y.Slice(i, 8));
                var vx = Vector256.Create(x.Slice(i, 8));
                Vector256.FusedMultiplyAdd(va, vx, vy).CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < x.Length; i++) y[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
    }
}
