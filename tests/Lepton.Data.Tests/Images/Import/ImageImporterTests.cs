using Lepton.Data.Images;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Import;

namespace Lepton.Data.Tests.Images.Import;

/// <summary>
/// The importer writes exactly the pixels <see cref="ImageToTensor"/> gives into shards, in every format, chooses the
/// stored size from the data, reuses pixels it already has, and leaves nothing behind when cancelled.
/// </summary>
public sealed class ImageImporterTests : IDisposable
{
    private readonly string _root = TestImages.TempDir("import");
    private readonly string _store = TestImages.TempDir("shards");
    private readonly string _temp;

    public ImageImporterTests() => _temp = Path.Combine(_store, "tmp");

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_store, recursive: true);
    }

    // Stands in for the artifact store: keeps each finished shard under a name of its own.
    private Task<string> Keep(string file, CancellationToken ct)
    {
        var name = $"kept-{Guid.NewGuid():N}";
        File.Move(file, Path.Combine(_store, name));
        return Task.FromResult(name);
    }

    private void MixedFolder()
    {
        TestImages.Write(Path.Combine(_root, "a/png.png"), 30, 20, 1);
        TestImages.Write(Path.Combine(_root, "a/gray.png"), 16, 16, 2, gray: true);
        TestImages.Write(Path.Combine(_root, "a/jpeg.jpg"), 40, 31, 3, TestImages.Kind.Jpeg);
        TestImages.Write(Path.Combine(_root, "b/webp.webp"), 12, 18, 4, TestImages.Kind.Webp);
        foreach (var f in new[] { "progressive.jpg", "image.bmp", "image.gif", "rotated.jpg" })
            File.Copy(TestData.Fixture("formats/" + f), Path.Combine(_root, "b", f));
        File.WriteAllBytes(Path.Combine(_root, "b/empty.png"), []);
        File.WriteAllText(Path.Combine(_root, "b/text.jpg"), "text");
        File.WriteAllBytes(Path.Combine(_root, "b/huge.png"), TestImages.PngHeader(100_000, 100_000));
    }

    [Fact]
    public async Task Import_MixedFormats_ShardsHoldExactlyTheConvertedPixels()
    {
        MixedFolder();
        var importer = new ImageImporter(new ImageImportOptions(Width: 10, Height: 8, Channels: 3, ShardBytes: 600, Workers: 2));
        var plan = importer.Plan(ImageFolderScanner.Scan(_root));
        var outcome = await importer.DecodeAsync(plan, _temp, Keep);
        var manifest = outcome.Manifest;

        Assert.True(manifest.Pixels.Shards.Count > 1, "600-byte shards hold 2 images each");
        var problems = manifest.Items.Where(i => i.Problem is not null).ToDictionary(i => i.Path, i => i.Problem!.Kind);
        Assert.Equal(new Dictionary<string, ImageProblemKind>
        {
            ["b/empty.png"] = ImageProblemKind.Empty, ["b/huge.png"] = ImageProblemKind.TooLarge, ["b/text.jpg"] = ImageProblemKind.NotAnImage,
        }, problems);
        using var source = new ShardedImagePixelSource(manifest.Pixels, [.. manifest.Pixels.Shards.Select(s => Path.Combine(_store, s))]);
        var read = new byte[manifest.Pixels.ImageBytes];
        foreach (var item in manifest.Items.Where(i => i.IsReadable))
        {
            source.Read(item, read);
            var bytes = File.ReadAllBytes(Path.Combine(_root, item.Path));
            // The path predict and the server take for an 10x8 model (a large JPEG decodes at a reduced DCT scale), with the file's own size recorded.
            var (image, width, height) = ImageToTensor.Decode(bytes, item.Path, ImageToTensor.DefaultMaxPixels, 10, 8);
            Assert.Equal((width, height, image.Channels), (item.Width, item.Height, item.Channels));
            var expected = new byte[read.Length];
            ImageFileReader.ToHwcBytes(ImageToTensor.Convert(image, 3, 8, 10, ResizePolicy.Stretch, item.Path).ToArray(), 3, 80, expected);
            Assert.Equal(expected, read);
        }
        Assert.Equal(8, outcome.Decoded);
        Assert.False(Directory.Exists(_temp), "temporary shards are removed");
    }

    [Fact]
    public async Task Import_PreviousVersionAtTheSameLayout_CopiesPixelsInsteadOfDecoding()
    {
        MixedFolder();
        var importer = new ImageImporter(new ImageImportOptions(Width: 10, Height: 8, Channels: 1, Workers: 2));
        var plan = importer.Plan(ImageFolderScanner.Scan(_root));
        var first = await importer.DecodeAsync(plan, _temp, Keep);
        using var source = new ShardedImagePixelSource(first.Manifest.Pixels, [.. first.Manifest.Pixels.Shards.Select(s => Path.Combine(_store, s))]);
        TestImages.Write(Path.Combine(_root, "a/new.png"), 9, 9, 77);

        plan = importer.Plan(ImageFolderScanner.Scan(_root));
        var second = await importer.DecodeAsync(plan, _temp, Keep, ImagePixelReuse.From(first.Manifest, source));

        Assert.Equal(1, second.Decoded);
        Assert.Equal(first.Manifest.Items.Count(i => i.IsReadable), second.Reused);
        using var again = new ShardedImagePixelSource(second.Manifest.Pixels, [.. second.Manifest.Pixels.Shards.Select(s => Path.Combine(_store, s))]);
        var (x, y) = (new byte[80], new byte[80]);
        foreach (var old in first.Manifest.Items.Where(i => i.IsReadable))
        {
            source.Read(old, x);
            again.Read(second.Manifest.Items.Single(i => i.Path == old.Path), y);
            Assert.Equal(x, y);
        }
    }

    [Fact]
    public async Task Import_Cancelled_LeavesNoTemporaryShards()
    {
        for (int i = 0; i < 40; i++) TestImages.Write(Path.Combine(_root, "c", $"{i}.png"), 20, 20, i);
        var importer = new ImageImporter(new ImageImportOptions(Width: 8, Height: 8, Workers: 1, ShardBytes: 200));
        var plan = importer.Plan(ImageFolderScanner.Scan(_root));
        using var cts = new CancellationTokenSource();
        int stored = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => importer.DecodeAsync(plan, _temp, async (f, ct) =>
        {
            if (++stored == 2) cts.Cancel();
            return await Keep(f, ct);
        }, null, null, cts.Token));
        Assert.False(Directory.Exists(_temp));
    }

    [Fact]
    public void Plan_AutoLayout_MostCommonSizeAndColourFromTheData()
    {
        for (int i = 0; i < 3; i++) TestImages.Write(Path.Combine(_root, "a", $"{i}.png"), 24, 20, i, gray: true);
        TestImages.Write(Path.Combine(_root, "a/odd.png"), 50, 40, 9, gray: true);
        var plan = new ImageImporter(new ImageImportOptions()).Plan(ImageFolderScanner.Scan(_root));
        Assert.Equal((24, 20, 1), (plan.Width, plan.Height, plan.Channels));
        TestImages.Write(Path.Combine(_root, "a/colour.jpg"), 10, 10, 9, TestImages.Kind.Jpeg);
        Assert.Equal(3, new ImageImporter(new ImageImportOptions()).Plan(ImageFolderScanner.Scan(_root)).Channels);
    }

    [Theory]
    [InlineData(new[] { 300, 300, 300 }, 128)]  // common but too large: the median shorter side 300 clamps to 128
    [InlineData(new[] { 20, 21, 22 }, 32)]      // all different, small: clamps to 32
    [InlineData(new[] { 40, 50, 60, 70 }, 50)]  // all different: median (lower) shorter side
    public void ImportSize_NoCommonSmallSize_SquareOfTheMedianShorterSide(int[] sides, int expected)
    {
        var sizes = sides.Select(s => (s + 10, s)).ToList();
        var (w, h) = ImportSize.Choose(sizes);
        Assert.Equal(expected, w);
        Assert.Equal(w, h);
    }
}
