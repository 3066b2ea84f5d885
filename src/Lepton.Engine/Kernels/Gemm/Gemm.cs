using System.Numerics;
using System.Runtime.Intrinsics;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// General matrix multiply, row-major: C = alpha * op(A) * op(B) + beta * C, with op(X) = X or Xᵀ.
/// A is (M,K) (or (K,M) when transposed) with leading dimension lda; likewise B (K,N) and C (M,N).
/// This class is the one seam every matmul and convolution goes through.
/// </summary>
public static partial class Gemm
{
    /// <summary>The plain triple loop, in any float type: the reference the fast kernels are tested against.</summary>
    public static void Reference<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            T acc = T.Zero;
            for (int p = 0; p < k; p++)
            {
                T av = transA ? a[p * lda + i] : a[i * lda + p];
                T bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                acc += av * bv;
            }
            c[i * ldc + j] = alpha * acc + (beta == T.Zero ? T.Zero : beta * c[i * ldc + j]);
        }
    }

    /// <summary>Double-precision GEMM (used by gradient checks; correctness over speed).</summary>
    public static void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha,
        double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double beta, double[] c, int cOffset, int ldc)
    {
        CpuParallel.For(m, (long)n * k, (i0, i1) =>
        {
            Reference(transA, transB, i1 - i0, n, k, alpha,
                a.AsSpan(aOffset + (transA ? i0 : i0 * lda)), lda,
                b.AsSpan(bOffset), ldb, beta,
                c.AsSpan(cOffset + i0 * ldc), ldc);
        });
    }
}
