using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Tests.Images.Inspection;

/// <summary>300 clean images (3 classes, train/validation/test) with one of each problem planted, and the expected findings.</summary>
internal static class PlantedDataset
{
    public static (SyntheticImages Images, List<(string Kind, string[] Files)> Expected) Build(int seed = 7)
    {
        var s = new SyntheticImages(seed).AddClean(100);
        var expected = new List<(string, string[])>();

        s.AddProblem("train/cat/broken.jpg", ImageProblemKind.Unreadable, "cat", "train");
        s.AddProblem("train/dog/huge.png", ImageProblemKind.TooLarge, "dog", "train");
        expected.Add((InspectionKinds.Unreadable, ["train/cat/broken.jpg"]));
        expected.Add((InspectionKinds.Unreadable, ["train/dog/huge.png"]));
        s.AddProblem("train/cat/notes.txt", ImageProblemKind.NotAnImage, "cat", "train");
        s.AddProblem("train/fox/empty.png", ImageProblemKind.Empty, "fox", "train");
        expected.Add((InspectionKinds.NotAnImage, ["train/cat/notes.txt"]));
        expected.Add((InspectionKinds.NotAnImage, ["train/fox/empty.png"]));

        s.Add("train/cat/copy-a.png", s.PixelsOf("train/cat/img0000.png"), "cat", "train");
        expected.Add((InspectionKinds.ExactDuplicate, ["train/cat/copy-a.png", "train/cat/img0000.png"]));

        s.Add("train/dog/near-a.jpg", s.NearCopy(s.PixelsOf("train/dog/img0001.png")), "dog", "train");
        expected.Add((InspectionKinds.NearDuplicate, ["train/dog/img0001.png", "train/dog/near-a.jpg"]));

        // Index 17 is a test image; its copy in train leaks.
        s.Add("train/fox/leak.png", s.PixelsOf("test/fox/img0017.png"), "fox", "train");
        expected.Add((InspectionKinds.SplitLeakage, ["test/fox/img0017.png", "train/fox/leak.png"]));

        s.Add("train/dog/relabelled.png", s.NearCopy(s.PixelsOf("train/cat/img0002.png"), delta: -8), "dog", "train");
        expected.Add((InspectionKinds.ConflictingLabels, ["train/cat/img0002.png", "train/dog/relabelled.png"]));

        s.Add("train/cat/tiny.png", s.Random(), "cat", "train", width: 12, height: 12);
        s.Add("train/dog/strip.png", s.Random(), "dog", "train", width: 1200, height: 100);
        s.Add("train/fox/giant.png", s.Random(), "fox", "train", width: 12_000, height: 9_000);
        expected.Add((InspectionKinds.ExtremeSize, ["train/cat/tiny.png"]));
        expected.Add((InspectionKinds.ExtremeSize, ["train/dog/strip.png"]));
        expected.Add((InspectionKinds.ExtremeSize, ["train/fox/giant.png"]));

        s.Add("train/cat/blank.png", s.NearConstant(), "cat", "train");
        s.Add("train/fox/blank.png", s.NearConstant(), "fox", "train");
        expected.Add((InspectionKinds.NearConstant, ["train/cat/blank.png"]));
        expected.Add((InspectionKinds.NearConstant, ["train/fox/blank.png"]));
        return (s, expected);
    }

    public static List<(string Kind, string[] Files)> Found(InspectionReport report) =>
        report.Findings.Select(f => (f.Kind, f.Files.OrderBy(x => x, StringComparer.Ordinal).ToArray())).ToList();

    public static string Show(IEnumerable<(string Kind, string[] Files)> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Kind}: {string.Join(", ", f.Files)}"));
}
