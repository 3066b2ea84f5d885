using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data;

/// <summary>
/// Fashion-MNIST from its four IDX files: images as float32 (N,1,28,28) in [0,1], labels Int32 (N).
/// Looks in the given folder, else $LEPTON_DATA/fashion-mnist, else where Debian's dataset-fashion-mnist installs it.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Shape of one image: (1,28,28).</summary>
    public static Shape ImageShape { get; } = new(1, 28, 28);

    /// <summary>Raw pixels (0..255) to model input: scale by 1/255, then normalize with the training set's mean 0.2860 and std 0.3530.</summary>
    public static Preprocessing Preprocessing { get; } = new(1f / 255f, [0.2860f], [0.3530f]);

    /// <summary>Loads the training (60,000) or test (10,000) split; images are in [0,1], not yet normalized.</summary>
    public static InMemoryDataset Load(string? dataDir = null, bool train = true)
    {
        string prefix = train ? "train" : "t10k";
        string dir = FindDirectory(dataDir, prefix);
        string images = Locate(dir, $"{prefix}-images-idx3-ubyte")!;
        string labels = Locate(dir, $"{prefix}-labels-idx1-ubyte")
            ?? throw new FileNotFoundException(MissingMessage(dir, $"{prefix}-labels-idx1-ubyte.gz"));

        var imageData = Idx.Read(images);
        var labelData = Idx.Read(labels);
        var name = Path.GetFileName(images);
        if (imageData.DataType != IdxDataType.UInt8 || imageData.Shape.Rank != 3 || imageData.Shape[1] != 28 || imageData.Shape[2] != 28)
            throw new InvalidDataException($"{name}: expected UInt8 images (N,28,28), got {imageData.DataType} {imageData.Shape}.");
        if (labelData.DataType != IdxDataType.UInt8 || labelData.Shape.Rank != 1 || labelData.Shape[0] != imageData.Shape[0])
            throw new InvalidDataException(
                $"{Path.GetFileName(labels)}: expected {imageData.Shape[0]} UInt8 labels to match {name}, got {labelData.DataType} {labelData.Shape}.");

        int n = imageData.Shape[0];
        var x = imageData.ToFloat32(1f / 255f).Reshape(n, 1, 28, 28);
        return new InMemoryDataset(x, labelData.ToInt32(), ClassNames);
    }

    /// <summary>The folder that will be used: the first candidate holding the split's image file.</summary>
    public static string FindDirectory(string? dataDir = null, bool train = true) => FindDirectory(dataDir, train ? "train" : "t10k");

    private static string FindDirectory(string? dataDir, string prefix)
    {
        string wanted = $"{prefix}-images-idx3-ubyte";
        if (!string.IsNullOrEmpty(dataDir))
        {
            if (Locate(dataDir, wanted) is not null) return dataDir;
            // Accept the parent folder too, as in --data-dir ~/data with ~/data/fashion-mnist inside.
            string nested = Path.Combine(dataDir, "fashion-mnist");
            if (Locate(nested, wanted) is not null) return nested;
            throw new FileNotFoundException(MissingMessage(dataDir, wanted + ".gz"));
        }
        var env = Environment.GetEnvironmentVariable("LEPTON_DATA");
        if (!string.IsNullOrEmpty(env))
        {
            string fromEnv = Path.Combine(env, "fashion-mnist");
            if (Locate(fromEnv, wanted) is not null) return fromEnv;
        }
        if (Locate(SystemDirectory, wanted) is not null) return SystemDirectory;
        throw new FileNotFoundException(MissingMessage(SystemDirectory, wanted + ".gz"));
    }

    private static string? Locate(string dir, string baseName)
    {
        foreach (var candidate in new[] { baseName + ".gz", baseName })
        {
            var path = Path.Combine(dir, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static string MissingMessage(string dir, string file) =>
        $"Fashion-MNIST not found in {dir} (looked for {file}). Install it with: sudo apt-get install dataset-fashion-mnist, " +
        "or pass --data-dir DIR containing the four IDX files.";
}
