namespace Lepton.Data.Images.Datasets;

/// <summary>Reads the decoded, resized pixels of a version's readable items (H,W,C bytes, <see cref="Layout"/>'s size). Thread-safe.</summary>
public interface IImagePixelSource
{
    ImagePixels Layout { get; }

    /// <summary>Copies <paramref name="item"/>'s pixels into <paramref name="hwc"/> (Layout.ImageBytes long); an unreadable item is an error.</summary>
    void Read(ImageItem item, Span<byte> hwc);
}
