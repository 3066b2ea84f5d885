using System.Diagnostics;
using System.Security.Cryptography;
using Lepton.Data.Images;
using Lepton.Data.Images.Import;

namespace Lepton.Bench;

/// <summary>
/// <c>import-profile DIR [files] [size]</c>: CPU time per image of each step of the import (read, SHA-256, header probe,
/// DCT-scaled decode, conversion and resize, rounding to bytes) on one thread, so the split holds on a loaded machine.
/// </summary>
internal static class ImportProfile
{
    public static int Run(string[] args)
    {
        string dir = args.ElementAtOrDefault(0) ?? throw new ArgumentException("import-profile DIR [files] [size]");
        int max = args.Length > 1 ? int.Parse(args[1]) : 2000;
        int size = args.Length > 2 ? int.Parse(args[2]) : 64;
        var files = Directory.EnumerateFiles(dir, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(max).ToList();
        var bytes = files.Select(File.ReadAllBytes).ToList();
        var hwc = new byte[size * size * 3];
        var steps = new Dictionary<string, TimeSpan>();
        void Time(string step, Action<int> work)
        {
            for (int i = 0; i < Math.Min(50, bytes.Count); i++) work(i); // warm-up (JIT)
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            for (int i = 0; i < bytes.Count; i++) work(i);
            steps[step] = Process.GetCurrentProcess().TotalProcessorTime - before;
        }
        Time("read file", i => _ = File.ReadAllBytes(files[i]));
        Time("sha-256", i => _ = SHA256.HashData(bytes[i]));
        Time("probe (sha + skia header)", i => _ = ImageFileReader.Probe(bytes[i], files[i], 1L << 28));
        Time("decode (dct-scaled)", i => _ = SkiaImageDecoder.Decode(bytes[i], files[i], 1L << 28, size, size));
        Time("decode full size", i => _ = SkiaImageDecoder.Decode(bytes[i], files[i], 1L << 28, 0, 0));
        Time("decode + convert + resize + round", i => _ = ImageFileReader.Decode(bytes[i], files[i], 1L << 28, 3, size, size, ResizePolicy.Stretch, hwc));
        Console.WriteLine($"{bytes.Count} JPEGs from {dir} ({bytes.Sum(b => (long)b.Length) / bytes.Count:N0} bytes each), target {size}x{size}x3, CPU per image on one thread:");
        foreach (var (step, t) in steps) Console.WriteLine($"  {step,-36} {t.TotalMilliseconds * 1000 / bytes.Count,8:F0} us");
        return 0;
    }
}
