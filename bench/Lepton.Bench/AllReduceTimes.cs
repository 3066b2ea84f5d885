using System.Diagnostics;
using System.Globalization;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Training.Distributed;

namespace Lepton.Bench;

/// <summary>
/// `allreduce [reps]` under mpirun: median wall time of one in-place float sum all-reduce (what a training step sends)
/// for 1 float (the latency term), the reference CNN's and the ResNet's gradient buffers (parameters plus the per-parameter
/// flags of <see cref="GradientAllReduce"/>), and 1, 4 and 16 MiB, with the bus bandwidth 2(N-1)/N * bytes / time that the
/// ring model of docs/scaling.md uses. Rank 0 prints one <c>RESULT</c> line per size.
/// </summary>
public static class AllReduceTimes
{
    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        using var comm = Communicators.FromEnvironment();
        var sizes = new List<(string Name, int Floats)>
        {
            ("1 float", 1),
            ("cnn gradients", GradientFloats("cnn")),
            ("resnet gradients", GradientFloats("resnet")),
            ("1 MiB", 1 << 18),
            ("4 MiB", 1 << 20),
            ("16 MiB", 1 << 22),
        };
        foreach (var (name, floats) in sizes)
        {
            var buffer = new float[floats];
            buffer.AsSpan().Fill(1f / comm.Size);
            // Warm-up: the first calls set up connections and registered memory.
            for (int i = 0; i < 10; i++) comm.AllReduceSum(buffer);
            var t = new double[reps];
            for (int i = 0; i < reps; i++)
            {
                // Every rank enters the timed call together, so the time is the collective's, not a late rank's.
                comm.Barrier();
                long t0 = Stopwatch.GetTimestamp();
                comm.AllReduceSum(buffer);
                t[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            // The same on every rank (an all-reduce of maxima would need MAX): sum the medians, report the mean.
            Array.Sort(t);
            Span<double> median = [t[reps / 2]];
            comm.AllReduceSum(median);
            double us = median[0] / comm.Size;
            long bytes = (long)floats * sizeof(float);
            double busGBps = comm.Size == 1 ? 0 : 2.0 * (comm.Size - 1) / comm.Size * bytes / (us * 1e-6) / 1e9;
            if (comm.Rank == 0)
            {
                Console.WriteLine($"{name,-18} {bytes,12:N0} B  median {us,10:F1} us  bus {busGBps,7:F2} GB/s  ({comm.Size} ranks, {reps} reps)");
                BenchResult.Print(new { Bench = "allreduce", Name = name, Ranks = comm.Size, Bytes = bytes, MedianUs = us, BusGbPerS = busGBps });
            }
        }
        return 0;
    }

    // What GradientAllReduce sends per step for a preset on 28x28x1 images with 10 classes.
    private static int GradientFloats(string preset) =>
        new GradientAllReduce(SingleProcessCommunicator.Instance, ModelPresets.Build(preset, 1, 28, 28, 10, new Generator(0)).Parameters().ToList())
            .ElementsPerStep;
}
