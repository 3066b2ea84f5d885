namespace Lepton.Data.Images.Datasets;

/// <summary>The split names an image data set uses (the Keras folder layout's names).</summary>
public static class ImageSplits
{
    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } = [Train, Validation, Test];
}
