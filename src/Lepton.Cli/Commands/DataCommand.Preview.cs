using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Augmentation;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.Registry;
using Lepton.Registry.Datasets.Images;
using Lepton.Registry.References;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Preview()
    {
        var reference = new Argument<string>("dataset") { Description = "An image data set version, NAME@VERSION (or NAME for the newest)." };
        var augment = new Option<string>("--augment")
        {
            Description = $"The augmentation to show, as lepton train takes it, e.g. \"{AugmentationSpec.Example}\". Terms: {string.Join(", ", AugmentationSpec.Terms)}.",
            Required = true,
        };
        var samples = new Option<int>("--samples") { Description = "Rows: images drawn from the split.", DefaultValueFactory = _ => 8 };
        var variants = new Option<int>("--variants") { Description = "Augmented columns per image (epochs 0, 1, ...).", DefaultValueFactory = _ => 6 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the augmentation draws and of the sample choice (training with the same seed draws the same).", DefaultValueFactory = _ => 0UL };
        var split = new Option<string>("--split") { Description = "The split to draw from (train, validation, test); all readable images when the version has no splits.", DefaultValueFactory = _ => ImageSplits.Train };
        var output = new Option<string>("--out") { Description = "The PNG file to write.", Required = true };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("preview", "Write a contact sheet PNG: one row per sample, the original and its augmented variants, to judge an augmentation by eye.\n\n" +
                                         "Example:\n  lepton data preview photos@2 --augment \"flip,rotate=15,zoom=0.2\" --samples 8 --variants 6 --out grid.png");
        cmd.Arguments.Add(reference);
        cmd.Options.Add(augment);
        cmd.Options.Add(samples);
        cmd.Options.Add(variants);
        cmd.Options.Add(seed);
        cmd.Options.Add(split);
        cmd.Options.Add(output);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var spec = ParseAugment(p.GetValue(augment)!);
            int rows = p.GetValue(samples), columns = p.GetValue(variants);
            if (rows is < 1 or > 256) throw new ArgumentException($"--samples must be from 1 to 256, got {rows}.");
            if (columns is < 1 or > 64) throw new ArgumentException($"--variants must be from 1 to 64, got {columns}.");
            var dataset = DatasetReference.Parse(p.GetValue(reference));
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            using var loaded = await ImageDatasets.LoadAsync(registry.Store, registry.Artifacts, dataset, null, ct);
            string splitName = p.GetValue(split)!;
            var items = PreviewItems(loaded.Manifest, splitName);
            // The same order as ImageDataset.ForSplit, so a row's variants are what training with this seed would see.
            var order = new Generator(p.GetValue(seed)).Permutation(items.Count);
            var chosen = order.Take(rows).Select(i => new ContactSheetSample(items[i], i, items[i].Label)).ToList();
            var png = ContactSheet.Render(chosen, loaded.Pixels, new ImageAugmenter(spec, p.GetValue(seed)), new ContactSheetOptions(columns));
            string path = Path.GetFullPath(p.GetValue(output)!);
            if (Path.GetDirectoryName(path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(path, png, ct);
            var v = loaded.Version;
            if (p.GetValue(json))
            {
                JsonOut.Write(new { dataset = $"{v.Name}@{v.Version}", augment = spec.ToString(), samples = chosen.Count, variants = columns, path, items = chosen.Select(s => s.Item.Path) });
                return 0;
            }
            Console.WriteLine($"wrote {path}: {chosen.Count} image(s) of {v.Name}@{v.Version} x (original + {columns} variant(s)) with \"{spec}\"");
            return 0;
        }));
        return cmd;
    }

    /// <summary>An <c>--augment</c> value; the parser's message names the bad term and its range.</summary>
    internal static AugmentationSpec ParseAugment(string text)
    {
        try
        {
            return AugmentationSpec.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"--augment: {ex.Message}", ex);
        }
    }

    private static List<ImageItem> PreviewItems(ImageManifest manifest, string split)
    {
        var readable = manifest.Items.Where(i => i.IsReadable).ToList();
        if (readable.Count == 0)
            throw new ArgumentException("The data set has no readable images to preview; see lepton data inspect.");
        if (readable.All(i => i.Split is null)) return readable;
        var inSplit = readable.Where(i => i.Split == split).ToList();
        if (inSplit.Count == 0)
            throw new ArgumentException($"The data set has no readable images in split '{split}' (splits: {string.Join(", ", readable.Select(i => i.Split ?? "(none)").Distinct().Order())}); pass --split.");
        return inSplit;
    }
}
