using Lepton.Data.Formats;
using SkiaSharp;

namespace Lepton.Data.Images;

/// <summary>
/// Decodes JPEG (baseline and progressive), PNG, BMP, GIF (first frame) and WebP through SkiaSharp (libjpeg-turbo, libpng,
/// libwebp inside), gray or colour, with the EXIF orientation applied; JPEGs go to the system's libjpeg-turbo first when it
/// is installed (<see cref="TurboJpegDecoder"/>, the same pixels at less CPU). The size is read from the header and checked against
/// a pixel budget before any pixel is decoded; truncated and corrupt files are errors naming the file.
/// </summary>
public static class SkiaImageDecoder
{
    /// <summary>
    /// The width and height a file declares (after its EXIF orientation), read without decoding pixels. A PNG or JPEG whose
    /// header is readable but whose body is not (a truncated upload) still reports its declared size.
    /// </summary>
    public static (long Width, long Height) ReadSize(ReadOnlySpan<byte> bytes, string name)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out _);
        if (codec is null) return HeaderSize(bytes, name) ?? throw OpenError(data, name, SKCodecResult.InvalidInput);
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        return Swaps(codec.EncodedOrigin) ? (h, w) : (w, h);
    }

    /// <summary>Decodes to 8-bit samples (H,W,C): C is 1 for gray sources, 3 for opaque colour, 4 when any pixel is translucent.</summary>
    public static PngImage Decode(ReadOnlySpan<byte> bytes, string name, long maxPixels) => Decode(bytes, name, maxPixels, 0, 0).Image;

    /// <summary>
    /// Like <see cref="Decode(ReadOnlySpan{byte}, string, long)"/>, for an image that will be resized to
    /// <paramref name="width"/> x <paramref name="height"/>: a JPEG much larger than that is decoded at the smallest of
    /// libjpeg's DCT scales (k/8) that still covers that size on both sides, as Pillow's <c>draft</c> does, so most of the
    /// IDCT and the resize's work is never done. Returns the decoded image and the size the file declares (after EXIF orientation).
    /// </summary>
    public static (PngImage Image, int SourceWidth, int SourceHeight) Decode(ReadOnlySpan<byte> bytes, string name, long maxPixels, int width, int height)
    {
        // Our own header readers see a PNG's or JPEG's declared size even when the rest is missing: refuse a huge one before
        // handing anything to the codec.
        var declared = HeaderSize(bytes, name);
        if (declared is var (declaredW, declaredH) && declaredW * declaredH > maxPixels)
            throw new InvalidDataException(
                $"{name} is {declaredW}x{declaredH} ({declaredW * declaredH:N0} pixels), more than the {maxPixels:N0} allowed; resize it, or raise the input's max_pixels.");
        // libpng decodes a PNG cut inside its last chunks without complaint; a PNG always ends with the IEND chunk.
        if (Png.IsPng(bytes) && !bytes.EndsWith(PngEnd))
            throw new InvalidDataException($"{name} is truncated: a PNG ends with its IEND chunk, and this one does not.");
        // libjpeg-turbo shows what a cut progressive JPEG holds so far; entropy-coded data never holds FF D9, so the end of
        // image marker must follow the last start of scan.
        if (Jpeg.IsJpeg(bytes) && bytes[Math.Max(0, bytes.LastIndexOf(StartOfScan))..].IndexOf(EndOfImage) < 0)
            throw new InvalidDataException($"{name} is truncated: its last scan has no end-of-image marker.");
        if (declared is var (storedW, storedH) && Jpeg.IsJpeg(bytes) && DecodeTurboJpeg(bytes, (int)storedW, (int)storedH, width, height) is { } fast)
            return fast;
        return DecodeWithSkia(bytes, name, maxPixels, width, height);
    }

    /// <summary>The SkiaSharp path alone (after the checks of <see cref="Decode(ReadOnlySpan{byte}, string, long, int, int)"/>): the reference twin of the libjpeg-turbo path.</summary>
    internal static (PngImage Image, int SourceWidth, int SourceHeight) DecodeWithSkia(ReadOnlySpan<byte> bytes, string name, long maxPixels, int width, int height)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = Open(data, name);
        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (info.Width < 1 || info.Height < 1)
            throw new InvalidDataException($"{name} declares an empty image ({info.Width}x{info.Height}).");
        if (pixels > maxPixels)
            throw new InvalidDataException(
                $"{name} is {info.Width}x{info.Height} ({pixels:N0} pixels), more than the {maxPixels:N0} allowed; resize it, or raise the input's max_pixels.");
        bool gray = info.ColorType == SKColorType.Gray8;
        bool swaps = Swaps(codec.EncodedOrigin);
        var (sourceW, sourceH) = swaps ? (info.Height, info.Width) : (info.Width, info.Height);
        var size = ScaledSize(codec, info, swaps ? height : width, swaps ? width : height);
        var target = new SKImageInfo(size.Width, size.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        int channels = gray ? 1 : 4;
        int length = checked(size.Width * size.Height * channels);
        // A format without alpha (JPEG) is opaque by its header: its RGBA samples are only a step to RGB, so they go to a
        // pooled buffer (no large-object allocation per image); otherwise they are decoded into the array we keep.
        bool opaque = !gray && info.AlphaType == SKAlphaType.Opaque;
        var samples = opaque ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = samples) result = codec.GetPixels(target, (IntPtr)p);
            }
            if (result != SKCodecResult.Success)
                throw new InvalidDataException(result == SKCodecResult.IncompleteInput
                    ? $"{name} is truncated: its data ends before the image does."
                    : $"{name} could not be decoded ({result}); the file is corrupt.");
            if (opaque) return (Orient(new PngImage(size.Width, size.Height, 3, DropAlpha(samples.AsSpan(0, length))), codec.EncodedOrigin), sourceW, sourceH);
        }
        finally
        {
            if (opaque) System.Buffers.ArrayPool<byte>.Shared.Return(samples);
        }
        if (!gray && Opaque(samples)) (samples, channels) = (DropAlpha(samples), 3);
        return (Orient(new PngImage(size.Width, size.Height, channels, samples), codec.EncodedOrigin), sourceW, sourceH);
    }

    // The system's libjpeg-turbo when it is there (SIMD; SkiaSharp's copy has none), at the same DCT scale as SkiaSharp
    // and with the same EXIF orientation; null when it is absent or declines the file, which then goes to SkiaSharp.
    private static (PngImage Image, int SourceWidth, int SourceHeight)? DecodeTurboJpeg(ReadOnlySpan<byte> bytes, int storedW, int storedH, int width, int height)
    {
        if (!TurboJpegDecoder.IsAvailable) return null;
        var origin = (SKEncodedOrigin)JpegExif.Orientation(bytes);
        bool swaps = Swaps(origin);
        var image = TurboJpegDecoder.TryDecode(bytes, DctEighths(storedW, storedH, swaps ? height : width, swaps ? width : height));
        if (image is null) return null;
        return (Orient(image, origin), swaps ? storedH : storedW, swaps ? storedW : storedH);
    }

    // The DCT scale (k/8) to decode a stored w x h JPEG at, on either path: the full size, or when the image is at least twice
    // the wanted size on both sides, the smallest scale whose output still covers it (the resize then antialiases as before).
    private static int DctEighths(int w, int h, int width, int height)
    {
        if (width <= 0 || height <= 0 || w < 2 * width || h < 2 * height) return 8;
        for (int eighths = 1; eighths < 8; eighths++)
            if (TurboJpegDecoder.Scaled(w, eighths) >= width && TurboJpegDecoder.Scaled(h, eighths) >= height) return eighths;
        return 8;
    }

    // The stored (pre-orientation) size SkiaSharp decodes at: DctEighths' scale for a JPEG, else the full size.
    private static SKSizeI ScaledSize(SKCodec codec, SKImageInfo info, int width, int height)
    {
        int eighths = codec.EncodedFormat == SKEncodedImageFormat.Jpeg ? DctEighths(info.Width, info.Height, width, height) : 8;
        return eighths == 8 ? new SKSizeI(info.Width, info.Height) : codec.GetScaledDimensions(eighths / 8f);
    }

    private static readonly byte[] StartOfScan = [0xFF, 0xDA];
    private static readonly byte[] EndOfImage = [0xFF, 0xD9];
    private static readonly byte[] PngEnd = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    private static SKCodec Open(SKData data, string name) =>
        SKCodec.Create(new SKMemoryStream(data), out var result) ?? throw OpenError(data, name, result);

    private static Exception OpenError(SKData data, string name, SKCodecResult result) =>
        !IsImage(data.AsSpan())
            ? new NotSupportedException($"{name} is not an image Lepton reads (JPEG, PNG, BMP, GIF, WebP).")
            : new InvalidDataException($"{name} is not a readable image ({result}): the file is corrupt or truncated.");

    // PNG: IHDR is always the first chunk (signature 8, length 4, "IHDR" 4, width 4, height 4); JPEG: the frame header.
    private static (long Width, long Height)? HeaderSize(ReadOnlySpan<byte> bytes, string name)
    {
        if (Png.IsPng(bytes) && bytes.Length >= 24 && bytes[12..16].SequenceEqual("IHDR"u8))
            return (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]));
        if (Jpeg.IsJpeg(bytes))
        {
            try
            {
                var header = Jpeg.ReadHeader(bytes, name);
                return (header.Width, header.Height);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                return null; // the codec gives the error for a header we cannot read
            }
        }
        return null;
    }

    /// <summary>True when the bytes start like a JPEG, PNG, GIF, BMP or WebP file (a file that does but does not open is corrupt).</summary>
    public static bool IsImage(ReadOnlySpan<byte> b) =>
        Png.IsPng(b) || Jpeg.IsJpeg(b) || b.StartsWith("GIF8"u8) || b.StartsWith("BM"u8) || (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool Opaque(byte[] rgba)
    {
        for (int i = 3; i < rgba.Length; i += 4) if (rgba[i] != 255) return false;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static byte[] DropAlpha(ReadOnlySpan<byte> rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int p = 0, q = 0; p < rgba.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }
        return rgb;
    }

    private static bool Swaps(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The image as it is meant to be shown: each output pixel (x', y') read from the stored pixel the EXIF origin names.</summary>
    internal static PngImage Orient(PngImage image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return image;
        int w = image.Width, h = image.Height, c = image.Channels;
        bool swap = Swaps(origin);
        int ow = swap ? h : w, oh = swap ? w : h;
        var output = new byte[image.Pixels.Length];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x), // LeftBottom
                };
                Buffer.BlockCopy(image.Pixels, (sy * w + sx) * c, output, (y * ow + x) * c, c);
            }
        return new PngImage(ow, oh, c, output);
    }
}
