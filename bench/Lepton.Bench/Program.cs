using BenchmarkDotNet.Running;
using Lepton.Bench;

// `gemm [sizes...]`: quick GFLOP/s table; `shapes`: the training shapes; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "gemm" => GemmQuick.Run(args[1..]),
    "shapes" => GemmShapes.Run(),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
    return 0;
}
