using System.Security.Cryptography;
using Lepton.Data.Images.Datasets;
using SkiaSharp;

namespace Lepton.Data.Images.Import;

/// <summary>What the first look at a file found: its hash and size, the size and colour its header declares, or its problem.</summary>
public sealed record ImageProbe(string Sha256, long Size, int Width, int Height, bool Colour, ImageProblem? Problem)
{
    public bool IsReadable => Problem is null;
}

/// <summary>What decoding one file gave: the original width, height and channels, or why it has no pixels.</summary>
public readonly record struct DecodedImage(int Width, int Height, int Channels, ImageProblem? Problem);

/// <summary>
/// Reads image files for an import without ever throwing on their content: hashes the bytes, classifies 0-byte files,
/// non-images, headers declaring too many pixels (refused before any pixel is decoded) and corrupt or truncated data, and
/// decodes readable ones through <see cref="ImageToTensor"/> (the same path as predict and the server) into (H,W,C) bytes.
/// </summary>
public static class ImageFileReader
{
    /// <summary>Hashes the file and reads its header: no pixel is decoded.</summary>
    public static ImageProbe Probe(ReadOnlySpan<byte> bytes, string name, long maxPixels)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        long length = bytes.Length;
        ImageProbe Problem(ImageProblemKind kind, string message) => new(sha, length, 0, 0, false, new ImageProblem(kind, message));
        if (bytes.Length == 0) return Problem(ImageProblemKind.Empty, $"{name} is empty (0 bytes).");
        if (!SkiaImageDecoder.IsImage(bytes)) return Problem(ImageProblemKind.NotAnImage, $"{name} is not an image Lepton reads (JPEG, PNG, BMP, GIF, WebP), judged by its first bytes.");
        long w, h;
        bool colour = true;
        using (var data = SKData.CreateCopy(bytes))
        using (var codec = SKCodec.Create(new SKMemoryStream(data), out _))
        {
            if (codec is not null)
            {
                (w, h) = (codec.Info.Width, codec.Info.Height);
                colour = codec.Info.ColorType != SKColorType.Gray8;
                if (codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom)
                    (w, h) = (h, w);
            }
            else
            {
                // Our own header readers still see a PNG's or JPEG's declared size when the codec refuses the file.
                try { (w, h) = SkiaImageDecoder.ReadSize(bytes, name); }
                catch (Exception e) when (e is InvalidDataException or NotSupportedException)
                {
                    return Problem(ImageProblemKind.Unreadable, $"{name} is not a readable image: the file is corrupt or truncated.");
                }
            }
        }
        if (w * h > maxPixels)
            return Problem(ImageProblemKind.TooLarge, $"{name} declares {w}x{h} ({w * h:N0} pixels), more than the {maxPixels:N0} allowed; it was not decoded.");
        if (w < 1 || h < 1) return Problem(ImageProblemKind.Unreadable, $"{name} declares an empty image ({w}x{h}).");
        return new ImageProbe(sha, bytes.Length, (int)w, (int)h, colour, null);
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> and writes its pixels, converted to <paramref name="channels"/> and resized by
    /// <paramref name="policy"/> to <paramref name="width"/> x <paramref name="height"/>, into <paramref name="hwc"/> as
    /// (H,W,C) bytes rounded from <see cref="ImageToTensor.Convert"/>'s values. A file that fails to decode is a problem, not an exception.
    /// </summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, string name, long maxPixels, int channels, int width, int height, ResizePolicy policy, Span<byte> hwc)
    {
        Formats.PngImage image;
        int sourceW, sourceH;
        try
        {
            (image, sourceW, sourceH) = ImageToTensor.Decode(bytes, name, maxPixels, width, height);
        }
        catch (NotSupportedException e) { return new DecodedImage(0, 0, 0, new ImageProblem(ImageProblemKind.NotAnImage, e.Message)); }
        catch (InvalidDataException e)
        {
            var kind = e.Message.Contains("allowed", StringComparison.Ordinal) ? ImageProblemKind.TooLarge : ImageProblemKind.Unreadable;
            return new DecodedImage(0, 0, 0, new ImageProblem(kind, e.Message));
        }
        var chw = ImageToTensor.Convert(image, channels, height, width, policy, name).Span<float>();
        ToHwcBytes(chw, channels, width * height, hwc);
        return new DecodedImage(sourceW, sourceH, image.Channels, null);
    }

    /// <summary>(C,H,W) floats in [0,255] → (H,W,C) bytes, rounded half away from zero and clamped (Pillow's rounding).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void ToHwcBytes(ReadOnlySpan<float> chw, int channels, int plane, Span<byte> hwc)
    {
        for (int c = 0; c < channels; c++)
        {
            var src = chw.Slice(c * plane, plane);
            for (int p = 0; p < plane; p++)
            {
                float v = src[p];
                hwc[p * channels + c] = v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5f);
            }
        }
    }
}
