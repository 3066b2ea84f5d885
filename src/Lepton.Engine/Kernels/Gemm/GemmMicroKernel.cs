namespace Lepton.Engine.Kernels;

/// <summary>
/// An SGEMM register tile and the cache blocking that feeds it. Run computes one MR x NR tile of C
/// from packed panels: a is kc x MR (MR rows of op(A), one column after another), b is kc x NR.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of the register tile (broadcast from packed A).</summary>
    static abstract int MR { get; }
    /// <summary>Columns of the register tile (vector loads from packed B).</summary>
    static abstract int NR { get; }
    /// <summary>Depth of a packed block: one A micro-panel (MR x KC) stays in L1.</summary>
    static abstract int KC { get; }
    /// <summary>Rows of op(A) packed at once (a multiple of MR).</summary>
    static abstract int MC { get; }
    /// <summary>Columns of op(B) packed at once (a multiple of NR): the KC x NC block stays in L2.</summary>
    static abstract int NC { get; }

    /// <summary>C[0..MR, 0..NR] = alpha * a·b + beta * C; C is not read when beta == 0.</summary>
    static abstract void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta);
}
