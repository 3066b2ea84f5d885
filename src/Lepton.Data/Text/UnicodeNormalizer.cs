using System.Runtime.InteropServices;
using System.Text;

namespace Lepton.Data.Text;

/// <summary>
/// Unicode normalization (NFC, NFKC; NFD for stripping accents) through the system's ICU library. Lepton builds with InvariantGlobalization, in
/// which <see cref="string.Normalize(NormalizationForm)"/> silently returns its input unchanged, so the import calls ICU's
/// <c>unorm2_normalize</c> itself: the library the .NET runtime would have used (libicuuc.so.N on Linux, icu.dll on
/// Windows), found by probing versions as the runtime does. Without ICU a normalizing import fails with a message that
/// names the fix instead of storing unnormalized text. ASCII text is normalized in every form and skips the call.
/// </summary>
public static unsafe class UnicodeNormalizer
{
    private const int BufferOverflow = 15; // U_BUFFER_OVERFLOW_ERROR

    private static readonly Lazy<Icu?> Library = new(Icu.Load);

    /// <summary>True when ICU was found (normalization works).</summary>
    public static bool IsAvailable => Library.Value is not null;

    /// <summary>The ICU library that was loaded, for messages and reports.</summary>
    public static string? LibraryName => Library.Value?.Name;

    /// <summary><paramref name="text"/> in <paramref name="form"/> (FormC or FormKC).</summary>
    public static string Normalize(string text, NormalizationForm form)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (form is not (NormalizationForm.FormC or NormalizationForm.FormKC or NormalizationForm.FormD))
            throw new ArgumentException($"UnicodeNormalizer supports NFC, NFKC and NFD, got {form}.");
        if (Ascii.IsValid(text)) return text;
        var icu = Library.Value ?? throw new PlatformNotSupportedException(
            "Unicode normalization needs the ICU library (libicu), which was not found; install it (Debian: apt-get install libicu72) or import with --normalize none.");
        var instance = form switch { NormalizationForm.FormC => icu.Nfc, NormalizationForm.FormKC => icu.Nfkc, _ => icu.Nfd };
        int capacity = text.Length + 16;
        while (true)
        {
            var buffer = new char[capacity];
            int error = 0;
            int length;
            fixed (char* src = text)
            fixed (char* dst = buffer)
                length = icu.NormalizeFn(instance, src, text.Length, dst, capacity, &error);
            if (error == BufferOverflow) { capacity = length + 16; continue; }
            if (error > 0) throw new InvalidOperationException($"ICU unorm2_normalize failed with error {error} on a text of {text.Length} characters.");
            return new string(buffer, 0, length);
        }
    }

    private sealed class Icu
    {
        public required string Name { get; init; }
        public required nint Nfc { get; init; }
        public required nint Nfkc { get; init; }
        public required nint Nfd { get; init; }
        public required delegate* unmanaged<nint, char*, int, char*, int, int*, int> NormalizeFn { get; init; }

        public static Icu? Load()
        {
            foreach (var (name, suffix) in Candidates())
            {
                if (!NativeLibrary.TryLoad(name, out var handle)) continue;
                foreach (var s in new[] { suffix, "" })
                {
                    if (!NativeLibrary.TryGetExport(handle, "unorm2_normalize" + s, out var normalize)
                        || !NativeLibrary.TryGetExport(handle, "unorm2_getNFCInstance" + s, out var nfcFn)
                        || !NativeLibrary.TryGetExport(handle, "unorm2_getNFKCInstance" + s, out var nfkcFn)
                        || !NativeLibrary.TryGetExport(handle, "unorm2_getNFDInstance" + s, out var nfdFn)) continue;
                    int e1 = 0, e2 = 0, e3 = 0;
                    var nfc = ((delegate* unmanaged<int*, nint>)nfcFn)(&e1);
                    var nfkc = ((delegate* unmanaged<int*, nint>)nfkcFn)(&e2);
                    var nfd = ((delegate* unmanaged<int*, nint>)nfdFn)(&e3);
                    if (e1 > 0 || e2 > 0 || e3 > 0 || nfc == 0 || nfkc == 0 || nfd == 0) continue;
                    return new Icu { Name = name, Nfc = nfc, Nfkc = nfkc, Nfd = nfd, NormalizeFn = (delegate* unmanaged<nint, char*, int, char*, int, int*, int>)normalize };
                }
            }
            return null;
        }

        private static IEnumerable<(string Name, string Suffix)> Candidates()
        {
            if (OperatingSystem.IsWindows())
            {
                yield return ("icu.dll", "");
                yield return ("icuuc.dll", "");
                yield break;
            }
            string ext = OperatingSystem.IsMacOS() ? "dylib" : "so";
            for (int v = 90; v >= 50; v--) yield return ($"libicuuc.{ext}.{v}", $"_{v}");
            yield return ($"libicuuc.{ext}", "");
        }
    }
}
