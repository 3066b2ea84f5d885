using Lepton.Data.Images.Datasets;
using Lepton.Engine;

namespace Lepton.Data.Tests.Images.Datasets;

/// <summary>A pixel source over seeded random images held in memory, one per slot, counting its reads.</summary>
internal sealed class MemoryPixelSource : IImagePixelSource
{
    private readonly byte[][] _images;
    private int _reads;

    public MemoryPixelSource(int count, int height, int width, int channels, ulong seed = 1)
    {
        Layout = new ImagePixels(width, height, channels, "stretch", ["memory"]);
        var g = new Generator(seed);
        _images = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            _images[i] = new byte[Layout.ImageBytes];
            for (int j = 0; j < _images[i].Length; j++) _images[i][j] = (byte)g.NextInt(256);
        }
    }

    public ImagePixels Layout { get; }

    public int Reads => _reads;

    public byte[] Image(int slot) => _images[slot];

    public void Read(ImageItem item, Span<byte> hwc)
    {
        Interlocked.Increment(ref _reads);
        _images[item.Slot].CopyTo(hwc);
    }

    /// <summary>A manifest with one readable item per image: labels cycle through the classes, splits through <paramref name="splits"/>.</summary>
    public ImageManifest Manifest(IReadOnlyList<string> classes, params string[] splits)
    {
        var items = Enumerable.Range(0, _images.Length).Select(i => new ImageItem(
            $"{classes[i % classes.Count]}/{i:D4}.png", $"{i:x64}", 100, classes[i % classes.Count],
            Split: splits.Length == 0 ? null : splits[i % splits.Length], Width: Layout.Width, Height: Layout.Height,
            Channels: Layout.Channels, Shard: 0, Slot: i)).ToList();
        return new ImageManifest(items, classes, Layout);
    }
}
