using System.Diagnostics;
using Lepton.Data.Images.Import;

namespace Lepton.Data.Tests.Images.Import;

/// <summary>The three layouts are recognised; links out of the root, hostile manifests and huge folders are handled before any file is read.</summary>
public sealed class ImageFolderScannerTests : IDisposable
{
    private readonly string _root = TestImages.TempDir("scan");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Path_(string relative) => Path.Combine(_root, relative);

    [Fact]
    public void Scan_ClassFolders_LabelsFromTheFirstFolderIncludingNestedOnes()
    {
        TestImages.Write(Path_("cat/a.png"), 8, 8, 1);
        TestImages.Write(Path_("cat/more/b.jpg"), 8, 8, 2, TestImages.Kind.Jpeg);
        TestImages.Write(Path_("dog/c.webp"), 8, 8, 3, TestImages.Kind.Webp);
        File.WriteAllText(Path_("dog/notes.txt"), "not an image");
        File.WriteAllText(Path_("dog/fake.jpg"), "not an image either, but named like one");
        TestImages.Write(Path_("loose.png"), 8, 8, 4);

        var scan = ImageFolderScanner.Scan(_root);

        Assert.Equal(ImageFolderLayout.ClassFolders, scan.Layout);
        Assert.Equal(["cat/a.png", "cat/more/b.jpg", "dog/c.webp", "dog/fake.jpg"], scan.Files.Select(f => f.Path));
        Assert.Equal(["cat", "cat", "dog", "dog"], scan.Files.Select(f => f.Label));
        Assert.All(scan.Files, f => Assert.Null(f.Split));
        Assert.Contains(scan.Skipped, s => s.StartsWith("loose.png", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_KerasLayout_SplitAndLabelFromTheFolders()
    {
        TestImages.Write(Path_("train/cat/a.png"), 8, 8, 1);
        TestImages.Write(Path_("train/dog/b.png"), 8, 8, 2);
        TestImages.Write(Path_("validation/dog/c.png"), 8, 8, 3);
        TestImages.Write(Path_("test/cat/d.png"), 8, 8, 4);

        var scan = ImageFolderScanner.Scan(_root);

        Assert.Equal(ImageFolderLayout.KerasSplits, scan.Layout);
        Assert.Equal([("test", "cat"), ("train", "cat"), ("train", "dog"), ("validation", "dog")], scan.Files.Select(f => (f.Split!, f.Label!)));
    }

    [Fact]
    public void Scan_CsvManifest_ReadsPathLabelSplitGroupRelativeToItsFolder()
    {
        TestImages.Write(Path_("img/a.png"), 8, 8, 1);
        TestImages.Write(Path_("img/b.png"), 8, 8, 2);
        File.WriteAllText(Path_("labels.csv"), "path,label,split,group\nimg/a.png,\"ok, really\",train,g1\nimg/b.png,scratch,val,g2\n");

        var scan = ImageFolderScanner.Scan(Path_("labels.csv"));

        Assert.Equal(ImageFolderLayout.Manifest, scan.Layout);
        Assert.Equal(("img/a.png", "ok, really", "train", "g1"), (scan.Files[0].Path, scan.Files[0].Label, scan.Files[0].Split, scan.Files[0].Group));
        Assert.Equal(("img/b.png", "scratch", "validation", "g2"), (scan.Files[1].Path, scan.Files[1].Label, scan.Files[1].Split, scan.Files[1].Group));
    }

    [Fact]
    public void Scan_JsonlManifest_ReadsEachLine()
    {
        TestImages.Write(Path_("a.png"), 8, 8, 1);
        File.WriteAllText(Path_("items.jsonl"), "{\"path\": \"a.png\", \"label\": \"ok\", \"split\": \"test\"}\n");
        var scan = ImageFolderScanner.Scan(Path_("items.jsonl"));
        Assert.Equal(("a.png", "ok", "test"), (scan.Files.Single().Path, scan.Files.Single().Label, scan.Files.Single().Split));
    }

    [Theory]
    [InlineData("../x.jpg", "leads outside")]
    [InlineData("img/../../x.jpg", "leads outside")]
    [InlineData("/etc/passwd", "absolute path")]
    public void Scan_ManifestPathEscapingTheRoot_RefusesTheWholeImportNamingTheLine(string hostile, string expected)
    {
        TestImages.Write(Path_("img/a.png"), 8, 8, 1);
        File.WriteAllText(Path_("labels.csv"), $"path,label\nimg/a.png,ok\n{hostile},bad\n");

        var e = Assert.Throws<ImageImportException>(() => ImageFolderScanner.Scan(Path_("labels.csv")));

        Assert.Contains("line 3", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Scan_SymlinkOutsideTheRoot_IsSkippedNotFollowed()
    {
        var outside = TestImages.TempDir("outside");
        try
        {
            TestImages.Write(Path.Combine(outside, "secret.png"), 8, 8, 9);
            Directory.CreateDirectory(Path.Combine(outside, "dir"));
            TestImages.Write(Path_("cat/a.png"), 8, 8, 1);
            File.CreateSymbolicLink(Path_("cat/link.png"), Path.Combine(outside, "secret.png"));
            Directory.CreateSymbolicLink(Path_("cat/linked-dir"), Path.Combine(outside, "dir"));
            File.CreateSymbolicLink(Path_("cat/inside.png"), Path_("cat/a.png"));

            var scan = ImageFolderScanner.Scan(_root);

            Assert.Equal(["cat/a.png", "cat/inside.png"], scan.Files.Select(f => f.Path));
            Assert.Contains(scan.Skipped, s => s.StartsWith("cat/link.png", StringComparison.Ordinal) && s.Contains("outside"));
            Assert.Contains(scan.Skipped, s => s.StartsWith("cat/linked-dir", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Scan_ManifestPathThroughAFolderLinkOutside_IsSkippedNotRead()
    {
        var outside = TestImages.TempDir("outside");
        try
        {
            TestImages.Write(Path.Combine(outside, "secret.png"), 8, 8, 9);
            TestImages.Write(Path_("img/a.png"), 8, 8, 1);
            Directory.CreateSymbolicLink(Path_("img/linked"), outside);
            File.WriteAllText(Path_("labels.csv"), "path,label\nimg/a.png,ok\nimg/linked/secret.png,x\n");

            var scan = ImageFolderScanner.Scan(Path_("labels.csv"));

            Assert.Equal(["img/a.png"], scan.Files.Select(f => f.Path));
            Assert.Contains(scan.Skipped, s => s.StartsWith("img/linked/secret.png", StringComparison.Ordinal) && s.Contains("outside"));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Scan_MoreFilesThanTheLimit_StopsAtOnceAndSaysHowToRaiseIt()
    {
        Directory.CreateDirectory(Path_("cls"));
        for (int i = 0; i < 2_000; i++) File.WriteAllBytes(Path_($"cls/{i:D5}.jpg"), []);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<ImageImportException>(() => ImageFolderScanner.Scan(_root, new ImageScanOptions(MaxFiles: 100)));

        Assert.Contains("--max-files", e.Message);
        Assert.Contains("100", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the limit took {clock.Elapsed}");
    }

    [Fact]
    public void Scan_EmptyFolder_IsAClearError()
    {
        var e = Assert.Throws<ImageImportException>(() => ImageFolderScanner.Scan(_root));
        Assert.Contains("no class folders", e.Message);
        Directory.CreateDirectory(Path_("cat"));
        File.WriteAllText(Path_("cat/readme.txt"), "x");
        e = Assert.Throws<ImageImportException>(() => ImageFolderScanner.Scan(_root));
        Assert.Contains("no images", e.Message);
    }
}
