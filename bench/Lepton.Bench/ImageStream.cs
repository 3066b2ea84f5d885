using System.Diagnostics;
using Lepton.Data;
using Lepton.Data.Images.Augmentation;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// A data set larger than memory streams with bounded memory: writes N synthetic side x side RGB images into pixel shards
/// (the import's format; N=500,000 at 32x32 is 1.5 GB of pixels), then trains one shuffled, augmented epoch of a linear
/// classifier through ImageDataset and the loader, and reports the peak resident memory of that epoch (VmHWM).
/// </summary>
public static class ImageStream
{
    /// <summary>`image-stream [images=500000] [side=32] [folder=/tmp/lepton-image-stream]`.</summary>
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 500_000;
        int side = args.Length > 1 ? int.Parse(args[1]) : 32;
        string folder = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "lepton-image-stream");
        const int Classes = 10;
        var layoutBytes = side * side * 3;
        var files = new List<string>();
        var items = new List<ImageItem>(n);
        long w0 = Stopwatch.GetTimestamp();
        using (var writer = new ImageShardWriter(Path.Combine(folder, "writing"), side, side, 3))
        {
            var pixels = new byte[layoutBytes];
            var rng = new Random(1);
            for (int i = 0; i < n; i++)
            {
                // Class i % 10 brightens one of ten horizontal bands, over noise.
                rng.NextBytes(pixels);
                int band = i % Classes;
                for (int y = band * side / Classes; y < (band + 1) * side / Classes; y++)
                    pixels.AsSpan(y * side * 3, side * 3).Fill(250);
                var (shard, slot) = writer.Next;
                if (writer.Append(pixels) is { } done) files.Add(Keep(done, folder, files.Count));
                items.Add(new ImageItem($"img/{i:D7}.png", "", layoutBytes, $"c{band}", ImageSplits.Train, Shard: shard, Slot: slot));
            }
            if (writer.Finish() is { } last) files.Add(Keep(last, folder, files.Count));
        }
        double writeSeconds = Stopwatch.GetElapsedTime(w0).TotalSeconds;

        var layout = new ImagePixels(side, side, 3, "stretch", [.. files.Select(Path.GetFileName)!]);
        using var source = new ShardedImagePixelSource(layout, files);
        var classes = Enumerable.Range(0, Classes).Select(c => $"c{c}").ToList();
        var data = new ImageDataset(items, source, classes, new Preprocessing(1f / 255, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]),
            new ImageAugmenter(AugmentationSpec.Parse("flip"), 1));
        var model = new Sequential(new Flatten(), new Linear(layoutBytes, Classes, rng: new Generator(1)));
        var step = new TrainingStep(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-3)));
        GC.Collect();
        double before = PeakMemory.Reset() ? PeakMemory.PeakMiB() : double.NaN;
        long e0 = Stopwatch.GetTimestamp();
        int batches = 0;
        using (var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 256, Seed: 1, Prefetch: 4, RecycleBatches: true, Workers: 2)))
            foreach (var batch in loader)
            {
                step.Run(batch.Inputs, batch.Targets);
                batches++;
            }
        double seconds = Stopwatch.GetElapsedTime(e0).TotalSeconds;
        BenchResult.Print(new
        {
            Mode = "image-stream",
            Images = n,
            Side = side,
            PixelBytes = (long)n * layoutBytes,
            Shards = files.Count,
            WriteSeconds = writeSeconds,
            EpochSeconds = seconds,
            ImagesPerS = n / seconds,
            Batches = batches,
            ResidentBeforeEpochMiB = before,
            PeakDuringEpochMiB = PeakMemory.PeakMiB(),
        });
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private static string Keep(string shard, string folder, int index)
    {
        var path = Path.Combine(folder, $"shard-{index:D5}.lpx");
        File.Move(shard, path, overwrite: true);
        return path;
    }
}
