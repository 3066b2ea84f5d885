using System.Text;
using Lepton.Data.Text;
using Lepton.Data.Text.Import;

namespace Lepton.Data.Tests.Text;

/// <summary>
/// The text importer on folders and tables it writes: scripts other than Latin, normalization, e-mails, invalid UTF-8,
/// size limits, links out of the root, multi-label tables, and refusals that leave no blob behind.
/// </summary>
public sealed class TextImporterTests : IDisposable
{
    private readonly TextFolder _folder = new();
    private readonly TextFolder _out = new();

    public void Dispose()
    {
        _folder.Dispose();
        _out.Dispose();
    }

    private string Blob => Path.Combine(_out.Root, "blob.bin");

    private (TextManifest Manifest, TextCorpus Corpus) Import(TextImportOptions? options = null, string? path = null)
    {
        var outcome = new TextImporter(options ?? new TextImportOptions()).Import(path ?? _folder.Root, Blob);
        return (outcome.Manifest, new TextCorpus(outcome.Manifest, File.ReadAllBytes(outcome.BlobFile)));
    }

    private static string TextOf(TextCorpus corpus, string path) => corpus.Text(corpus.Manifest.Items.Single(i => i.Path == path));

    [Fact]
    public void Import_ClassFoldersInSeveralScripts_StoresNormalizedTextsWithLabels()
    {
        _folder.Write("en/a.txt", "Cafe\u0301 au lait");
        _folder.Write("zh/a.txt", "\uFEFF机器学习很有趣");
        _folder.Write("ja/a.txt", "ｶﾀｶﾅと漢字 😀");
        var (manifest, corpus) = Import();
        Assert.Equal(["en", "ja", "zh"], manifest.Classes);
        Assert.False(manifest.MultiLabel);
        Assert.Equal("Café au lait", TextOf(corpus, "en/a.txt")); // NFC composes e + U+0301
        Assert.Equal("机器学习很有趣", TextOf(corpus, "zh/a.txt")); // the BOM is dropped
        Assert.Equal("ｶﾀｶﾅと漢字 😀", TextOf(corpus, "ja/a.txt")); // NFC keeps half-width kana
        Assert.Equal(["ja"], manifest.Items.Single(i => i.Path == "ja/a.txt").Labels);
    }

    [Fact]
    public void Import_Nfkc_FoldsCompatibilityCharacters()
    {
        _folder.Write("ja/a.txt", "ｶﾀｶﾅ ﬁle ①");
        var (_, corpus) = Import(new TextImportOptions(Normalization: NormalizationForm.FormKC));
        Assert.Equal("カタカナ file 1", TextOf(corpus, "ja/a.txt"));
    }

    [Fact]
    public void Import_InvalidUtf8_IsReportedUnlessReplacing()
    {
        _folder.WriteBytes("a/bad.txt", [(byte)'o', (byte)'k', 0xC3, 0x28]);
        _folder.Write("a/good.txt", "fine");
        var (manifest, _) = Import();
        var bad = manifest.Items.Single(i => i.Path == "a/bad.txt");
        Assert.Equal(TextProblemKind.InvalidUtf8, bad.Problem?.Kind);
        Assert.Contains("byte 2", bad.Problem!.Message);
        Assert.False(bad.IsReadable);
        var (_, replaced) = Import(new TextImportOptions(ReplaceInvalid: true));
        Assert.Equal("ok\uFFFD(", TextOf(replaced, "a/bad.txt"));
    }

    [Fact]
    public void Import_FileOverTheLimit_IsNotReadAndTextOverTheLimitIsNotStored()
    {
        _folder.Write("a/big.txt", new string('x', 2000));
        _folder.Write("a/long.txt", new string('y', 500));
        _folder.Write("a/ok.txt", "short");
        var (manifest, _) = Import(new TextImportOptions(MaxFileBytes: 1000, MaxChars: 100));
        Assert.Equal(TextProblemKind.TooLarge, manifest.Items.Single(i => i.Path == "a/big.txt").Problem?.Kind);
        Assert.Contains("was not read", manifest.Items.Single(i => i.Path == "a/big.txt").Problem!.Message);
        Assert.Equal(TextProblemKind.TooLarge, manifest.Items.Single(i => i.Path == "a/long.txt").Problem?.Kind);
        Assert.True(manifest.Items.Single(i => i.Path == "a/ok.txt").IsReadable);
    }

    [Fact]
    public void Import_LinkOutOfTheRoot_IsNotFollowed()
    {
        using var outside = new TextFolder();
        var secret = outside.Write("secret.txt", "do not read me");
        _folder.Write("a/ok.txt", "inside");
        File.CreateSymbolicLink(Path.Combine(_folder.Root, "a", "link.txt"), secret);
        var outcome = new TextImporter(new TextImportOptions()).Import(_folder.Root, Blob);
        Assert.Equal(["a/ok.txt"], outcome.Manifest.Items.Select(i => i.Path));
        Assert.Contains(outcome.Skipped, s => s.StartsWith("a/link.txt: skipped", StringComparison.Ordinal) && s.Contains("outside"));
        Assert.DoesNotContain("do not read me", File.ReadAllText(outcome.BlobFile));
    }

    [Fact]
    public void Import_EmailFolder_SniffsMessagesAndAppliesHeaderOption()
    {
        _folder.Write("spam/1", "From: a@x.com\nSubject: WIN money\nContent-Type: text/html\n\n<p>Click <b>now</b></p>");
        _folder.Write("ham/1", "Plain note: see you at 5.");
        var (_, stripped) = Import();
        Assert.Equal("Click now", TextOf(stripped, "spam/1"));
        Assert.Equal("Plain note: see you at 5.", TextOf(stripped, "ham/1"));
        var (_, kept) = Import(new TextImportOptions(KeepEmailHeaders: true, KeepHtml: true));
        Assert.Equal("From: a@x.com\nSubject: WIN money\nContent-Type: text/html\n\n<p>Click <b>now</b></p>", TextOf(kept, "spam/1"));
    }

    [Fact]
    public void Import_SameFolderTwice_GivesTheSameContentHashAndAChangedFileAnother()
    {
        _folder.Write("a/1.txt", "one");
        _folder.Write("b/2.txt", "two");
        var first = Import().Manifest.ContentHash();
        Assert.Equal(first, Import().Manifest.ContentHash());
        Assert.NotEqual(first, Import(new TextImportOptions(Normalization: NormalizationForm.FormKC)).Manifest.ContentHash());
        _folder.Write("b/2.txt", "two, changed");
        Assert.NotEqual(first, Import().Manifest.ContentHash());
    }

    [Fact]
    public void Import_CsvWithSeveralLabelColumns_GivesMultiLabelItems()
    {
        var table = _folder.Write("t.csv", "id,text,toxic,insult,split\n1,\"hello, \"\"world\"\"\nsecond line\",0,0,train\n2,you fool,1,1,test\n3,meh,1,0,\n");
        var (manifest, corpus) = Import(new TextImportOptions(TextColumn: "text", LabelColumns: ["toxic", "insult"]), table);
        Assert.True(manifest.MultiLabel);
        Assert.Equal(["insult", "toxic"], manifest.Classes);
        Assert.Equal(["t.csv#1", "t.csv#2", "t.csv#3"], manifest.Items.Select(i => i.Path));
        Assert.Equal("hello, \"world\"\nsecond line", TextOf(corpus, "t.csv#1"));
        Assert.Empty(manifest.Items[0].Labels);
        Assert.Equal(["toxic", "insult"], manifest.Items[1].Labels);
        Assert.Equal(["train", "test", null], manifest.Items.Select(i => i.Split));
    }

    [Fact]
    public void Import_SemicolonCsv_ReadsItsColumns_AndKeepsCommasInTheText()
    {
        var table = _folder.Write("avis.csv", "texte;label\nbien, vraiment;pos\n\"nul; à éviter\";neg\n");
        var (manifest, corpus) = Import(new TextImportOptions(TextColumn: "texte", LabelColumns: ["label"]), table);
        Assert.Equal(["neg", "pos"], manifest.Classes);
        Assert.Equal("bien, vraiment", TextOf(corpus, "avis.csv#1"));
        Assert.Equal("nul; à éviter", TextOf(corpus, "avis.csv#2"));
    }

    [Fact]
    public void Import_JsonlWithListLabels_GivesMultiLabelItems()
    {
        var table = _folder.Write("t.jsonl", "{\"body\": \"东京は晴れ\", \"tags\": [\"weather\", \"japan\"]}\n\n{\"body\": \"rain\", \"tags\": \"weather\"}\n");
        var (manifest, corpus) = Import(new TextImportOptions(TextColumn: "body", LabelColumns: ["tags"]), table);
        Assert.True(manifest.MultiLabel);
        Assert.Equal(["weather", "japan"], manifest.Items[0].Labels);
        Assert.Equal(["weather"], manifest.Items[1].Labels);
        Assert.Equal("东京は晴れ", TextOf(corpus, "t.jsonl#1"));
    }

    [Fact]
    public void Import_TableThatIsNotUtf8_IsRefusedAndLeavesNoBlob()
    {
        var table = _folder.WriteBytes("t.csv", [.. "text,label\nok,a\n"u8, 0xFF, .. ",b\n"u8]);
        var e = Assert.Throws<TextImportException>(() => Import(new TextImportOptions(TextColumn: "text", LabelColumns: ["label"]), table));
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.False(File.Exists(Blob));
    }

    [Fact]
    public void Import_BrokenJsonLine_IsRefusedAndLeavesNoBlob()
    {
        var table = _folder.Write("t.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": oops}\n");
        var e = Assert.Throws<TextImportException>(() => Import(new TextImportOptions(TextColumn: "text", LabelColumns: ["label"]), table));
        Assert.Contains("line 2", e.Message);
        Assert.False(File.Exists(Blob));
    }

    [Fact]
    public void Import_TableWithoutTextColumn_NamesTheColumns()
    {
        var table = _folder.Write("t.csv", "body,label\nx,a\n");
        var e = Assert.Throws<TextImportException>(() => Import(new TextImportOptions(TextColumn: "text", LabelColumns: ["label"]), table));
        Assert.Contains("body, label", e.Message);
    }

    [Fact]
    public void Import_ManifestOfTextFiles_ReadsTheListedFilesWithLabelsSplitsAndGroups()
    {
        _folder.Write("docs/a.txt", "first");
        _folder.Write("docs/b.txt", "second");
        var manifest = _folder.Write("list.csv", "path,label,split,group\ndocs/a.txt,x,train,g1\ndocs/b.txt,y,test,g2\n");
        var (m, corpus) = Import(path: manifest);
        Assert.Equal(["docs/a.txt", "docs/b.txt"], m.Items.Select(i => i.Path));
        Assert.Equal([("x", "train", "g1"), ("y", "test", "g2")], m.Items.Select(i => (i.Label, i.Split, i.Group)));
        Assert.Equal("second", TextOf(corpus, "docs/b.txt"));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("docs/../../outside.txt")]
    [InlineData("/etc/passwd")]
    public void Import_ManifestPathOutOfTheFolder_IsRefusedAndLeavesNoBlob(string hostile)
    {
        _folder.Write("docs/a.txt", "first");
        var manifest = _folder.Write("list.csv", $"path,label\ndocs/a.txt,x\n{hostile},y\n");
        var e = Assert.Throws<TextImportException>(() => Import(path: manifest));
        Assert.Contains("line 3", e.Message);
        Assert.False(File.Exists(Blob));
    }

    [Theory]
    [InlineData("t.csv", "text,label\nshort,a\n\"{0}\",b\n")]
    [InlineData("t.jsonl", "{{\"text\": \"short\", \"label\": \"a\"}}\n{{\"text\": \"{0}\", \"label\": \"b\"}}\n")]
    public void Import_TableTextOverTheLimit_IsAnItemWithoutText(string name, string content)
    {
        var table = _folder.Write(name, string.Format(System.Globalization.CultureInfo.InvariantCulture, content, new string('z', 500)));
        var (manifest, _) = Import(new TextImportOptions(TextColumn: "text", LabelColumns: ["label"], MaxChars: 100), table);
        Assert.True(manifest.Items[0].IsReadable);
        Assert.Equal(TextProblemKind.TooLarge, manifest.Items[1].Problem?.Kind);
        Assert.Equal(["b"], manifest.Items[1].Labels);
    }

    [Fact]
    public void Import_TextsOverTheTotalLimit_AreRefusedAndLeaveNoBlob()
    {
        for (int i = 0; i < 5; i++) _folder.Write($"a/{i}.txt", new string('x', 100));
        var e = Assert.Throws<TextImportException>(() => Import(new TextImportOptions(MaxTotalBytes: 350)));
        Assert.Contains("exceed 350 bytes", e.Message);
        Assert.False(File.Exists(Blob));
    }

    [Fact]
    public void Import_ManyFilesTwice_WritesTheSameBlobBytesDespiteParallelReading()
    {
        for (int i = 0; i < 600; i++) _folder.Write($"{(i % 3 == 0 ? "a" : "b")}/{i:D4}.txt", $"text number {i} {new string('x', i % 37)}");
        var first = File.ReadAllBytes(new TextImporter(new TextImportOptions()).Import(_folder.Root, Blob).BlobFile);
        var second = File.ReadAllBytes(new TextImporter(new TextImportOptions()).Import(_folder.Root, Blob + "2").BlobFile);
        Assert.Equal(first, second);
        Assert.StartsWith("text number 0 ", System.Text.Encoding.UTF8.GetString(first));
    }

    [Fact]
    public void Import_EmailWithTooManyParts_IsAnUnreadableItem()
    {
        var sb = new StringBuilder("From: a@x\nSubject: parts\nContent-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < Lepton.Data.Text.Import.Email.MimeText.MaxParts + 5; i++) sb.Append("--b\nContent-Type: text/plain\n\nx\n");
        sb.Append("--b--\n");
        _folder.Write("a/many.eml", sb.ToString());
        var (manifest, _) = Import();
        Assert.Equal(TextProblemKind.Unreadable, manifest.Items.Single().Problem?.Kind);
    }

    [Fact]
    public void Sniff_ImageAndTextFolders_AreToldApart()
    {
        _folder.Write("a/1.txt", "text");
        _folder.Write("b/2", "From: a@b\nSubject: x\n\nmail");
        Assert.Equal(DataKind.Text, DataKindSniffer.Sniff(_folder.Root, null));
        using var images = new TextFolder();
        images.WriteBytes("cat/1.bin", [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        images.WriteBytes("dog/2.jpg", [0xFF, 0xD8, 0xFF, 0xE0]);
        Assert.Equal(DataKind.Image, DataKindSniffer.Sniff(images.Root, null));
        var csv = _folder.Write("m.csv", "path,label\na/1.txt,x\n");
        Assert.Equal(DataKind.Image, DataKindSniffer.Sniff(csv, null));
        Assert.Equal(DataKind.Text, DataKindSniffer.Sniff(csv, "path"));
    }
}
