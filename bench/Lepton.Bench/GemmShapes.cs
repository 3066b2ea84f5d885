using Lepton.Engine.Threading;

namespace Lepton.Bench;

/// <summary>GFLOP/s of the GEMM shapes the reference CNN's training step runs (im2col convolution and FC, forward and backward).</summary>
public static class GemmShapes
{
    private static readonly (string Name, int M, int N, int K, bool TransA, bool TransB)[] Shapes =
    [
        ("conv1 fwd  W·col", 32, 50176, 9, false, false),
        ("conv2 fwd  W·col", 64, 12544, 288, false, false),
        ("conv2 dW   dY·colᵀ", 64, 288, 12544, false, true),
        ("conv2 dcol Wᵀ·dY", 288, 12544, 64, true, false),
        ("fc1 fwd    X·Wᵀ", 64, 128, 3136, false, true),
        ("fc1 dW     dYᵀ·X", 128, 3136, 64, true, false),
        ("fc1 dX     dY·W", 64, 3136, 128, false, false),
    ];

    /// <summary>Prints the table for 1 and 2 threads; returns the process exit code.</summary>
    public static int Run()
    {
        Console.WriteLine("GFLOP/s, median of timed runs (best run in parentheses)");
        Console.WriteLine($"{"shape",-20} {"M",6} {"N",6} {"K",6} {"1 thread",16} {"2 threads",16}");
        int saved = CpuParallel.ThreadCount;
        try
        {
            foreach (var s in Shapes)
            {
                double flop = 2.0 * s.M * s.N * s.K;
                CpuParallel.ThreadCount = 1;
                var one = GemmQuick.Measure(s.M, s.N, s.K, s.TransA, s.TransB);
                CpuParallel.ThreadCount = 2;
                var two = GemmQuick.Measure(s.M, s.N, s.K, s.TransA, s.TransB);
                Console.WriteLine($"{s.Name,-20} {s.M,6} {s.N,6} {s.K,6} {Rate(flop, one),16} {Rate(flop, two),16}");
            }
        }
        finally { CpuParallel.ThreadCount = saved; }
        return 0;
    }

    private static string Rate(double flop, (double Median, double Best) t) =>
        $"{flop / t.Median / 1e9:F1} ({flop / t.Best / 1e9:F1})";
}
