using System.Security.Cryptography;
using Lepton.Data.Images;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Inspection;
using Lepton.Tests.Shared;

namespace Lepton.Data.Tests.Images.Inspection;

/// <summary>
/// The inspector on the planted folder the acceptance test uses (tests/Shared/PlantedImageFolder), decoded by SkiaSharp and
/// stored at 64 to 96 px RGB here (the import's own decoding is tested with the import): exactly the planted problems.
/// </summary>
public sealed class PlantedFolderInspectionTests
{
    private static (ImageManifest Manifest, FakePixelSource Source, PlantedImageFolder Folder) Load(string root, int side, int seed)
    {
        var folder = PlantedImageFolder.Create(root, seed: seed, progressiveFixtures: Path.Combine(AppContext.BaseDirectory, "Fixtures", "progressive"));
        var layout = new ImagePixels(side, side, 3, "stretch", ["s"]);
        var source = new FakePixelSource(layout);
        var items = new List<ImageItem>();
        foreach (var file in folder.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, file));
            var parts = file.Split('/');
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            ImageItem item;
            try
            {
                var img = SkiaImageDecoder.Decode(bytes, file, 1 << 26);
                var rgb = img.Channels >= 3 ? img : ToRgb(img);
                var chw = new float[3 * side * side];
                ImageResize.Bilinear(rgb.Pixels, rgb.Width, rgb.Height, rgb.Channels, chw, side, side);
                var hwc = new byte[side * side * 3];
                for (int c = 0; c < 3; c++)
                    for (int p = 0; p < side * side; p++) hwc[p * 3 + c] = (byte)Math.Clamp(MathF.Round(chw[c * side * side + p]), 0, 255);
                source.Pixels[file] = hwc;
                item = new ImageItem(file, sha, bytes.Length, parts[1], parts[0], Width: img.Width, Height: img.Height, Channels: img.Channels, Shard: 0, Slot: items.Count);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
            {
                var kind = bytes.Length == 0 ? ImageProblemKind.Empty : SkiaImageDecoder.IsImage(bytes) ? ImageProblemKind.Unreadable : ImageProblemKind.NotAnImage;
                item = new ImageItem(file, sha, bytes.Length, parts[1], parts[0], Problem: new ImageProblem(kind, e.Message));
            }
            items.Add(item);
        }
        return (new ImageManifest(items, PlantedImageFolder.Classes, layout), source, folder);
    }

    private static Lepton.Data.Formats.PngImage ToRgb(Lepton.Data.Formats.PngImage gray)
    {
        var rgb = new byte[gray.Width * gray.Height * 3];
        for (int p = 0; p < gray.Width * gray.Height; p++)
            rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = gray.Pixels[p * gray.Channels];
        return new Lepton.Data.Formats.PngImage(gray.Width, gray.Height, 3, rgb);
    }

    [Theory]
    [InlineData(64, 15)]
    [InlineData(96, 15)]
    [InlineData(64, 16)]
    [InlineData(64, 17)]
    [InlineData(80, 18)]
    public void Inspect_PlantedFolder_ExactlyThePlantedProblems(int side, int seed)
    {
        var root = TestData.TempDir();
        try
        {
            var (manifest, source, folder) = Load(root, side, seed);
            var report = ImageDatasetInspector.Inspect(manifest, source);
            var found = report.Findings.Select(f => f.Kind + ": " + string.Join(", ", f.Files.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal).ToList();
            var expected = folder.Planted.SelectMany(kv => kv.Value.Select(files => kv.Key + ": " + string.Join(", ", files.Order(StringComparer.Ordinal))))
                .Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(found), $"expected:\n{string.Join("\n", expected)}\nfound:\n{string.Join("\n", found)}\n{Diagnose(manifest, source, folder)}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Diagnose(ImageManifest manifest, FakePixelSource source, PlantedImageFolder folder)
    {
        var planted = folder.Planted.Where(kv => kv.Key is "near-duplicate" or "exact-duplicate" or "split-leakage" or "conflicting-labels")
            .SelectMany(kv => kv.Value).Select(f => string.Join("|", f.Order(StringComparer.Ordinal))).ToHashSet();
        var readable = manifest.Items.Where(i => i.IsReadable).ToList();
        var hashes = readable.Select(i => PerceptualHash.Compute(source.Pixels[i.Path], source.Layout.Width, source.Layout.Height, 3)).ToList();
        var lines = new List<string>();
        for (int a = 0; a < readable.Count; a++)
            for (int b = a + 1; b < readable.Count; b++)
            {
                int d = PerceptualHash.Distance(hashes[a], hashes[b]);
                if (d > 10 || readable[a].Sha256 == readable[b].Sha256) continue;
                var key = string.Join("|", new[] { readable[a].Path, readable[b].Path }.Order(StringComparer.Ordinal));
                lines.Add($"{(planted.Contains(key) ? "PLANTED" : "clean  ")} d={d} sim={ImageDatasetInspector.Similarity(source.Pixels[readable[a].Path], source.Pixels[readable[b].Path], source.Layout.Width, source.Layout.Height, 3):0.000} detail={ImageDatasetInspector.DetailSimilarity(source.Pixels[readable[a].Path], source.Pixels[readable[b].Path], source.Layout.Width, source.Layout.Height, 3):0.000} {key}");
            }
        return string.Join("\n", lines.OrderBy(l => l));
    }
}
