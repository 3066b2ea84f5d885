using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data.Images;

/// <summary>
/// The one path from image bytes to a model's raw (C,H,W) input, shared by <c>lepton predict</c>, the server and
/// evaluation: decode with SkiaSharp (<see cref="SkiaImageDecoder"/>: JPEG, PNG, BMP, GIF, WebP, EXIF orientation; size
/// bounded from the header before any pixel is decoded), convert the channels, resize by the model's policy. Values stay
/// raw pixels 0..255; the model's normalization comes after.
/// </summary>
public static class ImageToTensor
{
    /// <summary>The largest image decoded by default: 40 megapixels (a 7,300 x 5,500 photo).</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>True when the bytes start like a JPEG, PNG, GIF, BMP or WebP file.</summary>
    public static bool IsImage(ReadOnlySpan<byte> bytes) => SkiaImageDecoder.IsImage(bytes);

    /// <summary>Decodes an image file; other formats raise <see cref="NotSupportedException"/>, corrupt or truncated data <see cref="InvalidDataException"/>.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> bytes, string name, long maxPixels = DefaultMaxPixels)
    {
        if (!IsImage(bytes))
            throw new NotSupportedException($"{name} is not an image Lepton reads (checked by its first bytes); send JPEG, PNG, BMP, GIF or WebP.");
        return SkiaImageDecoder.Decode(bytes, name, maxPixels);
    }

    /// <summary>
    /// Decodes an image file that will be resized to <paramref name="width"/> x <paramref name="height"/> (a large JPEG at a
    /// reduced DCT scale that still covers that size); the one decoding path of import, <c>predict</c> and the server.
    /// </summary>
    public static (PngImage Image, int SourceWidth, int SourceHeight) Decode(ReadOnlySpan<byte> bytes, string name, long maxPixels, int width, int height)
    {
        if (!IsImage(bytes))
            throw new NotSupportedException($"{name} is not an image Lepton reads (checked by its first bytes); send JPEG, PNG, BMP, GIF or WebP.");
        return SkiaImageDecoder.Decode(bytes, name, maxPixels, width, height);
    }

    /// <summary>The width and height an image file declares (after EXIF orientation), read from its header without decoding.</summary>
    public static (long Width, long Height) ReadSize(ReadOnlySpan<byte> bytes, string name) => SkiaImageDecoder.ReadSize(bytes, name);

    /// <summary>
    /// image (H,W,C') of any size → (C,H,W) floats in [0,255] for a model taking <paramref name="channels"/> x
    /// <paramref name="height"/> x <paramref name="width"/>: gray→RGB repeats the gray, RGB→gray is ITU-R 601 luma, alpha is
    /// dropped; then resized by <paramref name="policy"/>.
    /// </summary>
    public static Tensor Convert(PngImage image, int channels, int height, int width, ResizePolicy policy, string name)
    {
        if (channels is not (1 or 3))
            throw new InvalidDataException($"{name} is an image, but the model takes {channels} channels per example; images give 1 (gray) or 3 (RGB).");
        if (policy == ResizePolicy.Exact && (image.Width != width || image.Height != height))
            throw new InvalidDataException(
                $"{name} is {image.Width}x{image.Height} but the model expects {width}x{height} images; resize it to {width}x{height}, " +
                "or give the model's image input a resize policy (stretch, fit or crop) so any size is accepted.");
        var pixels = Channels(image, channels);
        var result = new float[channels * height * width];
        switch (policy)
        {
            case ResizePolicy.Exact:
                ToChw(pixels, width * height, channels, result);
                break;
            case ResizePolicy.Stretch:
                ResizeInto(pixels, image.Width, image.Height, channels, result, width, height, 0, 0, width, height);
                break;
            case ResizePolicy.Fit:
            {
                double s = Math.Min((double)width / image.Width, (double)height / image.Height);
                int w = Math.Clamp((int)Math.Round(image.Width * s), 1, width), h = Math.Clamp((int)Math.Round(image.Height * s), 1, height);
                ResizeInto(pixels, image.Width, image.Height, channels, result, width, height, (width - w) / 2, (height - h) / 2, w, h);
                break;
            }
            case ResizePolicy.Crop:
            {
                // Cut the largest centred window with the model's aspect ratio, then resize it: no pixel is wasted on resizing what is cut.
                double s = Math.Min((double)image.Width / width, (double)image.Height / height);
                int cw = Math.Clamp((int)Math.Round(width * s), 1, image.Width), ch = Math.Clamp((int)Math.Round(height * s), 1, image.Height);
                var window = Window(pixels, image.Width, channels, (image.Width - cw) / 2, (image.Height - ch) / 2, cw, ch);
                ResizeInto(window, cw, ch, channels, result, width, height, 0, 0, width, height);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(policy));
        }
        return Tensor.FromArray(result, channels, height, width);
    }

    private static byte[] Channels(PngImage image, int channels)
    {
        if (channels == 1) return image.ToGrayscale().Pixels;
        int plane = image.Width * image.Height;
        if (image.Channels == 3) return image.Pixels;
        var rgb = new byte[plane * 3];
        for (int p = 0; p < plane; p++)
        {
            int o = p * image.Channels;
            if (image.Channels <= 2) rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = image.Pixels[o];
            else
            {
                rgb[p * 3] = image.Pixels[o];
                rgb[p * 3 + 1] = image.Pixels[o + 1];
                rgb[p * 3 + 2] = image.Pixels[o + 2];
            }
        }
        return rgb;
    }

    private static void ToChw(byte[] hwc, int plane, int channels, float[] chw)
    {
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < channels; c++)
                chw[c * plane + p] = hwc[p * channels + c];
    }

    private static byte[] Window(byte[] hwc, int width, int channels, int x0, int y0, int w, int h)
    {
        var window = new byte[w * h * channels];
        for (int y = 0; y < h; y++)
            hwc.AsSpan(((y0 + y) * width + x0) * channels, w * channels).CopyTo(window.AsSpan(y * w * channels));
        return window;
    }

    // Resizes (H,W,C) to w x h and places it at (x0, y0) of the (C,height,width) result, whose other pixels stay 0.
    private static void ResizeInto(byte[] hwc, int srcW, int srcH, int channels, float[] result, int width, int height, int x0, int y0, int w, int h)
    {
        if (w == width && h == height)
        {
            ImageResize.Bilinear(hwc, srcW, srcH, channels, result, width, height);
            return;
        }
        var part = new float[channels * h * w];
        ImageResize.Bilinear(hwc, srcW, srcH, channels, part, w, h);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                part.AsSpan((c * h + y) * w, w).CopyTo(result.AsSpan((c * height + y0 + y) * width + x0, w));
    }
}
