using System.Buffers;
using Lepton.Engine.Threading;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The forward of a strided 1x1 convolution without padding (a ResNet's downsampling shortcut): it reads only every
/// stride-th pixel, so those pixels are gathered into a dense (N,C,OH,OW) input and the stride-1 1x1 kernel runs on it,
/// instead of an im2col copy and a GEMM with a transposed output. Same sums as <see cref="Conv2dReference"/>, in the
/// stride-1 kernel's order.
/// </summary>
internal static class ConvPointwiseStrided
{
    /// <summary>Whether g is a 1x1, unpadded, ungrouped, strided convolution whose stride-1 form runs on the direct kernels here.</summary>
    public static bool Applies(ConvGeometry g) =>
        g.KH == 1 && g.KW == 1 && g.PH == 0 && g.PW == 0 && g.Groups == 1 && (g.SH > 1 || g.SW > 1) && ConvStride1.DirectApplies(Dense(g));

    // The stride-1 convolution of the gathered input: (N,C,OH,OW) → (N,O,OH,OW).
    private static ConvGeometry Dense(ConvGeometry g) => new(g.N, g.C, g.OH, g.OW, g.O, 1, 1);

    // x: (N,C,H,W) at xOffset → y: (N,O,OH,OW)
    public static void Forward(float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, ConvGeometry g, float[] y)
    {
        var dense = Dense(g);
        int plane = g.OH * g.OW, planes = g.N * g.C;
        var gathered = ArrayPool<float>.Shared.Rent(planes * plane);
        try
        {
            var job = GatherJob.Current ??= new GatherJob();
            (job.X, job.XOffset, job.G, job.Out) = (x, xOffset, g, gathered);
            try
            {
                CpuParallel.For(planes, plane, job.Body);
            }
            finally
            {
                (job.X, job.Out) = (null!, null!);
            }
            ConvStride1.Forward(gathered, 0, w, wOffset, bias, biasOffset, dense, y);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gathered);
        }
    }

    // Gathers planes [p0, p1) of (N*C): every SH-th row, every SW-th column. One job per thread, reused call after call.
    private sealed class GatherJob : SplitJob
    {
        [ThreadStatic] public static GatherJob? Current;
        public float[] X = null!, Out = null!;
        public int XOffset;
        public ConvGeometry G;

        protected override void Run(int p0, int p1)
        {
            int oh = G.OH, ow = G.OW, hw = G.H * G.W;
            for (int p = p0; p < p1; p++)
            {
                int src = XOffset + p * hw, dst = p * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    int row = src + i * G.SH * G.W;
                    for (int j = 0; j < ow; j++) Out[dst++] = X[row + j * G.SW];
                }
            }
        }
    }
}
