using System.IO.Compression;
using Lepton.Engine;

namespace Lepton.Cli.Tests;

/// <summary>
/// Writes a small data set in Fashion-MNIST's file layout (four gzip IDX files) where class k is a
/// bright horizontal band at row 2k+4 over seeded noise, so a tiny model learns it in one epoch.
/// </summary>
internal static class SyntheticFashionMnist
{
    public static string Create(string dir, int train = 600, int test = 200, ulong seed = 7)
    {
        Directory.CreateDirectory(dir);
        var rng = new Generator(seed);
        Write(dir, "train", train, rng);
        Write(dir, "t10k", test, rng);
        return dir;
    }

    /// <summary>One 28x28 image of class <paramref name="label"/> (row-major bytes).</summary>
    public static byte[] Image(int label, Generator rng)
    {
        var px = new byte[28 * 28];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)rng.NextInt(60);
        int row = 2 * label + 4;
        for (int r = row; r < row + 2; r++)
            for (int c = 2; c < 26; c++) px[r * 28 + c] = (byte)(200 + rng.NextInt(56));
        return px;
    }

    private static void Write(string dir, string prefix, int n, Generator rng)
    {
        var images = new List<byte>();
        var labels = new List<byte>();
        for (int i = 0; i < n; i++)
        {
            int label = i % 10;
            labels.Add((byte)label);
            images.AddRange(Image(label, rng));
        }
        WriteIdx(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), [n, 28, 28], images.ToArray());
        WriteIdx(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), [n], labels.ToArray());
    }

    private static void WriteIdx(string path, int[] dims, byte[] data)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write([0, 0, 0x08, (byte)dims.Length]);
        foreach (var d in dims) gz.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        gz.Write(data);
    }
}
