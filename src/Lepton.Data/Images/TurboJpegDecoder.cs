using System.Runtime.InteropServices;
using Lepton.Data.Formats;

namespace Lepton.Data.Images;

/// <summary>
/// Decodes baseline and progressive JPEGs through the system's libjpeg-turbo (Debian's <c>libturbojpeg0</c>, its TurboJPEG
/// API), whose SIMD code SkiaSharp's bundled copy lacks: ~20% less CPU per photo, the same pixels (the accurate integer
/// IDCT and fancy upsampling, as Skia asks for). Used by <see cref="SkiaImageDecoder"/> when the library is present;
/// whatever it declines (no library, CMYK, any warning from the codec) goes to SkiaSharp, which decides how to answer.
/// </summary>
/// <remarks>Set <c>LEPTON_JPEG=skia</c> to decode every JPEG with SkiaSharp.</remarks>
public static unsafe class TurboJpegDecoder
{
    private const int PixelFormatRgb = 0, PixelFormatGray = 6; // TJPF_RGB, TJPF_GRAY
    private const int ColorspaceGray = 2, ColorspaceCmyk = 3, ColorspaceYcck = 4; // TJCS_*
    // Stop at the first warning (a corrupt or cut stream), and refuse progressive files of more than 500 scans, which
    // otherwise cost minutes each (TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS).
    private const int Flags = 8192 | 32768;

    private static readonly Api? Library = Load();

    [ThreadStatic]
    private static nint _handle;

    /// <summary>True when libturbojpeg is loaded and not switched off by <c>LEPTON_JPEG=skia</c>.</summary>
    public static bool IsAvailable => Library is not null;

    /// <summary>
    /// Decodes <paramref name="jpeg"/> as stored (before EXIF orientation) at <paramref name="eighths"/>/8 of its size
    /// (8: full size; libjpeg's DCT scaling), to RGB or gray samples; null when the library is missing or declines the file.
    /// </summary>
    public static PngImage? TryDecode(ReadOnlySpan<byte> jpeg, int eighths = 8)
    {
        if (Library is not { } api || eighths is < 1 or > 8) return null;
        var handle = _handle;
        if (handle == 0) _handle = handle = api.InitDecompress();
        if (handle == 0) return null;
        fixed (byte* source = jpeg)
        {
            int width, height, subsampling, colorspace;
            if (api.DecompressHeader3(handle, source, (nuint)jpeg.Length, &width, &height, &subsampling, &colorspace) != 0) return Discard(api);
            if (colorspace is ColorspaceCmyk or ColorspaceYcck || width < 1 || height < 1) return null;
            int w = Scaled(width, eighths), h = Scaled(height, eighths);
            int channels = colorspace == ColorspaceGray ? 1 : 3;
            var pixels = GC.AllocateUninitializedArray<byte>(checked(w * h * channels));
            fixed (byte* target = pixels)
            {
                if (api.Decompress2(handle, source, (nuint)jpeg.Length, target, w, w * channels, h,
                        channels == 1 ? PixelFormatGray : PixelFormatRgb, Flags) != 0)
                    return Discard(api);
            }
            return new PngImage(w, h, channels, pixels);
        }
    }

    // A decompressor that stopped at an error or warning keeps state from it: the thread's next file gets a fresh one.
    private static PngImage? Discard(Api api)
    {
        api.Destroy(_handle);
        _handle = 0;
        return null;
    }

    /// <summary>libjpeg's output size at <paramref name="eighths"/>/8: the size rounded up, as TurboJPEG's TJSCALED.</summary>
    public static int Scaled(int size, int eighths) => (size * eighths + 7) / 8;

    private static Api? Load()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("LEPTON_JPEG"), "skia", StringComparison.OrdinalIgnoreCase)) return null;
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libturbojpeg.so.0", typeof(TurboJpegDecoder).Assembly, null, out var lib)) return null;
        if (!NativeLibrary.TryGetExport(lib, "tjInitDecompress", out var init)
            || !NativeLibrary.TryGetExport(lib, "tjDecompressHeader3", out var header)
            || !NativeLibrary.TryGetExport(lib, "tjDecompress2", out var decompress)
            || !NativeLibrary.TryGetExport(lib, "tjDestroy", out var destroy))
            return null;
        return new Api(
            (delegate* unmanaged<nint>)init,
            (delegate* unmanaged<nint, int>)destroy,
            (delegate* unmanaged<nint, byte*, nuint, int*, int*, int*, int*, int>)header,
            (delegate* unmanaged<nint, byte*, nuint, byte*, int, int, int, int, int, int>)decompress);
    }

    // The four TurboJPEG 2 functions used (unsigned long is 64-bit on Linux x64 and arm64).
    private sealed class Api(
        delegate* unmanaged<nint> init,
        delegate* unmanaged<nint, int> destroy,
        delegate* unmanaged<nint, byte*, nuint, int*, int*, int*, int*, int> header,
        delegate* unmanaged<nint, byte*, nuint, byte*, int, int, int, int, int, int> decompress)
    {
        public nint InitDecompress() => init();

        public void Destroy(nint h) => destroy(h);

        public int DecompressHeader3(nint h, byte* jpeg, nuint size, int* width, int* height, int* subsampling, int* colorspace) =>
            header(h, jpeg, size, width, height, subsampling, colorspace);

        public int Decompress2(nint h, byte* jpeg, nuint size, byte* target, int width, int pitch, int height, int format, int flags) =>
            decompress(h, jpeg, size, target, width, pitch, height, format, flags);
    }
}
