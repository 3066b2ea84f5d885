using Lepton.Data.Text;
using Lepton.Data.Text.Import;
using Lepton.Data.Text.Inspection;
using Lepton.Engine;

namespace Lepton.Data.Tests.Text;

/// <summary>
/// A folder (train/test splits, two classes, random prose) with one of each problem planted: the inspection finds exactly
/// the planted problems, naming exactly the planted files, and the cleaner drops what its rules say.
/// </summary>
public sealed class PlantedTextFolderTests : IDisposable
{
    private readonly TextFolder _folder = new();
    private readonly TextFolder _out = new();

    public void Dispose()
    {
        _folder.Dispose();
        _out.Dispose();
    }

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "su", "do", "gra", "bel", "tor", "fin", "mus", "har", "ond"];

    /// <summary>Random prose: 20-30 words of 2-4 syllables, every word drawn anew, so two texts share few 5-grams.</summary>
    private static string Prose(Generator rng, int words)
    {
        var w = new List<string>();
        for (int i = 0; i < words; i++)
            w.Add(string.Concat(Enumerable.Range(0, 2 + rng.NextInt(3)).Select(_ => Syllables[rng.NextInt(Syllables.Length)])));
        return string.Join(' ', w) + ".";
    }

    private TextCorpus Plant(int seed)
    {
        var rng = new Generator((ulong)seed);
        foreach (var split in new[] { "train", "test" })
            foreach (var cls in new[] { "ham", "spam" })
                for (int i = 0; i < (split == "train" ? 10 : 4); i++)
                    _folder.Write($"{split}/{cls}/clean{i:D2}.txt", Prose(rng, 20 + rng.NextInt(11)));
        _folder.Write("train/ham/empty.txt", "  \n\t ");
        _folder.WriteBytes("train/ham/latin1.txt", [.. "caf"u8, 0xE9, .. " au lait, d\u00e9j\u00e0 vu"u8]);
        var dup = Prose(rng, 25);
        _folder.Write("train/spam/dup-a.txt", dup);
        _folder.Write("train/spam/dup-b.txt", dup);
        var near = Prose(rng, 45);
        var words = near.Split(' ');
        words[20] = "changed";
        _folder.Write("train/ham/near-a.txt", near);
        _folder.Write("train/ham/near-b.txt", string.Join(' ', words));
        var leak = Prose(rng, 25);
        _folder.Write("train/ham/leak.txt", leak);
        _folder.Write("test/ham/leak.txt", leak);
        var conflict = Prose(rng, 25);
        _folder.Write("train/ham/conflict.txt", conflict);
        _folder.Write("train/spam/conflict.txt", conflict);
        _folder.Write("train/spam/huge.txt", Prose(rng, 1500));
        var outcome = new TextImporter(new TextImportOptions()).Import(_folder.Root, Path.Combine(_out.Root, "blob"));
        return new TextCorpus(outcome.Manifest, File.ReadAllBytes(outcome.BlobFile));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Inspect_PlantedFolder_FindsExactlyThePlantedProblems(int seed)
    {
        var report = TextDatasetInspector.Inspect(Plant(seed));
        var found = report.Findings.Select(f => (f.Kind, string.Join(",", f.Files))).ToList();
        (string, string)[] expected =
        [
            (TextInspectionKinds.EncodingError, "train/ham/latin1.txt"),
            (TextInspectionKinds.EmptyText, "train/ham/empty.txt"),
            (TextInspectionKinds.ExactDuplicate, "train/spam/dup-a.txt,train/spam/dup-b.txt"),
            (TextInspectionKinds.NearDuplicate, "train/ham/near-a.txt,train/ham/near-b.txt"),
            (TextInspectionKinds.SplitLeakage, "test/ham/leak.txt,train/ham/leak.txt"),
            (TextInspectionKinds.ConflictingLabels, "train/ham/conflict.txt,train/spam/conflict.txt"),
            (TextInspectionKinds.LengthOutlier, "train/spam/huge.txt"),
        ];
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Clean_AllKinds_DropsByTheRules()
    {
        var corpus = Plant(1);
        var report = TextDatasetInspector.Inspect(corpus);
        var result = TextDatasetCleaner.Clean(corpus.Manifest, report, TextInspectionKinds.Parse("all"));
        Assert.Equal(
            ["test/ham/leak.txt", "train/ham/conflict.txt", "train/ham/empty.txt", "train/ham/latin1.txt", "train/ham/near-b.txt",
             "train/spam/conflict.txt", "train/spam/dup-b.txt", "train/spam/huge.txt"],
            result.Dropped.Select(d => d.Path));
        Assert.Equal(corpus.Manifest.Items.Count - 8, result.Manifest.Items.Count);
        Assert.Equal(corpus.Manifest.Blob, result.Manifest.Blob);
        Assert.Empty(TextDatasetInspector.Inspect(new TextCorpus(result.Manifest, File.ReadAllBytes(Path.Combine(_out.Root, "blob")))).Findings);
    }

    [Fact]
    public void MinHash_SameTextAnywhere_GivesTheSameSignature()
    {
        var a = new MinHash();
        var b = new MinHash();
        var text = "数据集 data set データセット";
        Assert.Equal(a.Signature(a.Shingles(text)), b.Signature(b.Shingles("  数据集   DATA set\nデータセット ")));
        Assert.True(MinHash.Jaccard(a.Shingles("the quick brown fox jumps"), a.Shingles("the quick brown cat jumps")) is > 0.3 and < 0.8);
    }

    [Fact]
    public void Parse_UnknownKind_ListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => TextInspectionKinds.Parse("empty-text,bogus"));
        Assert.Contains("length-outlier", e.Message);
    }
}
