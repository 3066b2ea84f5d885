using System.Diagnostics;
using Lepton.Data;
using Lepton.Data.Images.Augmentation;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Optimizers;

namespace Lepton.Bench;

/// <summary>
/// The Lepton half of bench/image-epoch until <c>lepton train --data NAME@V</c> exists: imports an image folder into a
/// throwaway store (decode, resize, shard), then trains one epoch of bench/image-epoch/model.json on the train split through
/// ImageDataset (augmentation in the loader's producers) and the training step Trainer.Fit runs. Reports import seconds,
/// loader-only images/s and training images/s.
/// </summary>
public static class ImageEpoch
{
    /// <summary>`image-epoch FOLDER [augment=flip,rotate=15,zoom=0.2] [workers=1] [epochs=1] [model=bench/image-epoch/model.json]`.</summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        string folder = args[0];
        var spec = AugmentationSpec.Parse(args.Length > 1 ? args[1] : "flip,rotate=15,zoom=0.2");
        int workers = args.Length > 2 ? int.Parse(args[2]) : 1;
        int epochs = args.Length > 3 ? int.Parse(args[3]) : 1;
        string modelPath = args.Length > 4 ? args[4] : Path.Combine("bench", "image-epoch", "model.json");
        string home = Path.Combine(Path.GetTempPath(), "lepton-image-epoch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            await using var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(home, "registry.db"));
            var artifacts = new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts")));
            long t0 = Stopwatch.GetTimestamp();
            var imported = await ImageDatasets.ImportAsync(store, artifacts, folder, "image-epoch",
                new ImageImportOptions(Width: 64, Height: 64, Channels: 3), null, "bench");
            double importSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            using var loaded = await ImageDatasets.LoadAsync(store, artifacts, new DatasetReference("image-epoch", imported.Version.Version));
            var trainItems = loaded.Manifest.Items.Where(i => i.IsReadable && i.Split == ImageSplits.Train).ToList();
            var preprocessing = ImageStatistics.Preprocessing(trainItems, loaded.Pixels);
            var data = ImageDataset.ForSplit(loaded.Manifest, loaded.Pixels, ImageSplits.Train, preprocessing, new ImageAugmenter(spec, 1));

            // The loader alone: what the producers can deliver when nothing else runs.
            var options = new DataLoaderOptions(BatchSize: 64, Seed: 1, Prefetch: 4, RecycleBatches: true, Workers: workers);
            double loaderSeconds;
            using (var loader = new DataLoader(data, options))
            {
                long l0 = Stopwatch.GetTimestamp();
                foreach (var _ in loader) { }
                loaderSeconds = Stopwatch.GetElapsedTime(l0).TotalSeconds;
            }

            var model = (Sequential)ModelSpec.FromJson(File.ReadAllText(modelPath), modelPath).BuildModel(new Generator(1));
            var step = new TrainingStep(model, new Adam(model.Parameters(), new AdamOptions(LearningRate: 1e-3)));
            var perEpoch = new List<double>();
            using (var loader = new DataLoader(data, options))
            {
                for (int e = 0; e < epochs; e++)
                {
                    long e0 = Stopwatch.GetTimestamp();
                    foreach (var batch in loader) step.Run(batch.Inputs, batch.Targets);
                    perEpoch.Add(Stopwatch.GetElapsedTime(e0).TotalSeconds);
                }
            }
            BenchResult.Print(new
            {
                Mode = "image-epoch",
                Augment = spec.ToString(),
                Workers = workers,
                Threads = CpuParallel.ThreadCount,
                Step = step.Kind,
                Images = data.Count,
                ImportSeconds = importSeconds,
                Imported = loaded.Manifest.Items.Count,
                LoaderImagesPerS = data.Count / loaderSeconds,
                SecondsPerEpoch = perEpoch.Average(),
                ImagesPerS = data.Count / perEpoch.Average(),
                PeakMibProcess = PeakMemory.PeakMiB(),
            });
            return 0;
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }
}
