using Lepton.Data.Images.Import;

namespace Lepton.Data.Tests.Images.Import;

/// <summary>An unlabeled/ folder holds images still to be labelled: they are imported with no label, in either folder layout.</summary>
public sealed class UnlabeledFolderTests : IDisposable
{
    private readonly string _root = TestImages.TempDir("unlabeled");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Path_(string relative) => Path.Combine(_root, relative);

    [Fact]
    public void Scan_UnlabeledBesideClassFolders_HasNoLabel()
    {
        TestImages.Write(Path_("cat/a.png"), 8, 8, 1);
        TestImages.Write(Path_("unlabeled/b.png"), 8, 8, 2);
        TestImages.Write(Path_("unlabeled/more/c.png"), 8, 8, 3);

        var scan = ImageFolderScanner.Scan(_root);

        Assert.Equal(ImageFolderLayout.ClassFolders, scan.Layout);
        Assert.Equal([("cat/a.png", "cat"), ("unlabeled/b.png", null), ("unlabeled/more/c.png", null)], scan.Files.Select(f => (f.Path, f.Label)));
    }

    [Fact]
    public void Scan_UnlabeledBesideKerasSplits_KeepsTheKerasLayoutAndHasNoLabelOrSplit()
    {
        TestImages.Write(Path_("train/cat/a.png"), 8, 8, 1);
        TestImages.Write(Path_("test/dog/b.png"), 8, 8, 2);
        TestImages.Write(Path_("train/unlabeled/c.png"), 8, 8, 3);
        TestImages.Write(Path_("unlabeled/d.png"), 8, 8, 4);

        var scan = ImageFolderScanner.Scan(_root);

        Assert.Equal(ImageFolderLayout.KerasSplits, scan.Layout);
        Assert.Equal([("test/dog/b.png", "dog", "test"), ("train/cat/a.png", "cat", "train"), ("train/unlabeled/c.png", null, "train"), ("unlabeled/d.png", null, null)],
            scan.Files.Select(f => (f.Path, f.Label, f.Split)));
    }

    [Fact]
    public void Scan_OnlyUnlabeled_ImportsEveryImageWithoutALabel()
    {
        TestImages.Write(Path_("unlabeled/a.png"), 8, 8, 1);
        var scan = ImageFolderScanner.Scan(_root);
        Assert.Null(Assert.Single(scan.Files).Label);
    }
}
