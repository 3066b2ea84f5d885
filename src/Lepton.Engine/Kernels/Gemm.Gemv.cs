using System.Numerics;
using System.Runtime.InteropServices;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

public static partial class Gemm
{
    // One row of C (batch-1 inference, e.g. a Linear layer on one example): packing B for the blocked
    // kernel would copy all of B to use each element once, so read B in place instead.
    // c (1,N) = alpha * a (1,K) · op(B) + beta * c
    private static void Gemv(SgemmJob j)
    {
        // A's one row: contiguous, or strided by lda when A is given transposed (K,1).
        float[] rowBuffer = j.TransA ? System.Buffers.ArrayPool<float>.Shared.Rent(j.K) : j.A;
        int rowOffset = j.TransA ? 0 : j.AOffset;
        try
        {
            if (j.TransA)
                for (int p = 0; p < j.K; p++) rowBuffer[p] = j.A[j.AOffset + p * j.Lda];
            var row = rowBuffer.AsSpan(rowOffset, j.K);
            var c = j.C.AsSpan(j.COffset, j.N);
            if (j.TransB)
            {
                // B is (N,K) row-major: each output is one dot product over a contiguous row.
                var rowArray = rowBuffer;
                int ro = rowOffset;
                CpuParallel.For(j.N, j.K, (n0, n1) =>
                {
                    var r = rowArray.AsSpan(ro, j.K);
                    var cc = j.C.AsSpan(j.COffset, j.N);
                    for (int n = n0; n < n1; n++)
                    {
                        float dot = Dot(r, j.B.AsSpan(j.BOffset + n * j.Ldb, j.K));
                        cc[n] = j.Beta == 0 ? j.Alpha * dot : j.Alpha * dot + j.Beta * cc[n];
                    }
                });
            }
            else
            {
                // B is (K,N) row-major: accumulate alpha*a[p] times row p of B into c.
                if (j.Beta == 0) c.Clear();
                else if (j.Beta != 1) foreach (ref var v in c) v *= j.Beta;
                for (int p = 0; p < j.K; p++)
                {
                    float s = j.Alpha * row[p];
                    if (s != 0) AxpyRow(s, j.B.AsSpan(j.BOffset + p * j.Ldb, j.N), c);
                }
            }
        }
        finally
        {
            if (j.TransA) System.Buffers.ArrayPool<float>.Shared.Return(rowBuffer);
        }
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int i = 0;
        float s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count * 2)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero;
            int v = 0;
            for (; v + 2 <= xv.Length; v += 2)
            {
                a0 = Vector.FusedMultiplyAdd(xv[v], yv[v], a0);
                a1 = Vector.FusedMultiplyAdd(xv[v + 1], yv[v + 1], a1);
            }
            for (; v < xv.Length; v++) a0 = Vector.FusedMultiplyAdd(xv[v], yv[v], a0);
            s = Vector.Sum(a0 + a1);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) s = MathF.FusedMultiplyAdd(x[i], y[i], s);
        return s;
    }

    private static void AxpyRow(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var av = new Vector<float>(a);
            for (int v = 0; v < xv.Length; v++) yv[v] = Vector.FusedMultiplyAdd(av, xv[v], yv[v]);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
    }
}
