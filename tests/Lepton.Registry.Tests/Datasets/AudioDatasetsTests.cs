using Lepton.Data.Audio;
using Lepton.Data.Audio.Import;
using Lepton.Data.Audio.Inspection;
using Lepton.Data.Audio.Wav;
using Lepton.Data.Images.Splits;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Audio;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Artifacts;

namespace Lepton.Registry.Tests.Datasets;

/// <summary>
/// Audio data set versions end to end on SQLite and a file artifact store: identity by content and rate, new versions with
/// parents, clips loaded from the verified blob, derived versions by split and clean sharing the blob, refusals that record nothing.
/// </summary>
public sealed class AudioDatasetsTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private IRegistryStore _store = null!;
    private FileArtifactStore _artifacts = null!;

    private string Clips => _temp.Sub("clips");

    public async Task InitializeAsync()
    {
        _store = await RegistryStoreFactory.OpenAsync($"sqlite:{_temp.Sub("registry.db")}");
        _artifacts = new FileArtifactStore(new FileArtifactStoreOptions(_temp.Sub("artifacts")));
        Write("yes/alice_nohash_0.wav", Tone(300));
        Write("yes/bob_nohash_0.wav", Tone(320));
        Write("no/alice_nohash_0.wav", Tone(500));
        Write("no/bob_nohash_0.wav", Tone(300));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private static float[] Tone(double hz) => [.. Enumerable.Range(0, 4000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * hz * i / 16000)))];

    private void Write(string relative, float[] samples, int rate = 16000)
    {
        var path = Path.Combine(Clips, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavWriter.Write(path, samples, rate);
    }

    private Task<AudioImportResult> Import(AudioImportOptions? options = null, CancellationToken ct = default, string? path = null) =>
        AudioDatasets.ImportAsync(_store, _artifacts, path ?? Clips, "keywords", options ?? new AudioImportOptions(), null, "tester", ct, _temp.Sub("tmp"));

    [Fact]
    public async Task Import_SameFolderTwice_ReturnsTheSameVersion_ChangedRateRecordsTheNext()
    {
        var first = await Import();
        var second = await Import();
        Assert.Equal((1, false), (first.Version.Version, first.Existing));
        Assert.Equal((1, true), (second.Version.Version, second.Existing));
        Assert.True(AudioDatasetSummary.IsAudioVersion(first.Version));
        Assert.Contains("\"kind\":\"audio\"", first.Version.SchemaJson);
        Assert.Contains("\"speakers\":2", first.Version.ManifestJson);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Sub("tmp")));
        var at8k = await Import(new AudioImportOptions(SampleRate: 8000));
        Assert.Equal((2, 1), (at8k.Version.Version, at8k.Version.ParentVersion));
    }

    [Fact]
    public async Task Load_Version_GivesTheImportedClips()
    {
        await Import();
        var corpus = await AudioDatasets.LoadAsync(_store, _artifacts, DatasetReference.Parse("keywords@1"));
        var clip = corpus.Clip(corpus.Manifest.Items.Single(i => i.Path == "yes/alice_nohash_0.wav"));
        var tone = Tone(300);
        Assert.Equal(tone.Length, clip.Samples.Length);
        for (int i = 0; i < tone.Length; i++) Assert.True(Math.Abs(tone[i] - clip.Samples[i]) <= 1 / 32768f);
    }

    [Fact]
    public async Task SplitAndClean_DerivedVersions_ShareTheBlobAndRecordTheirParent()
    {
        var imported = await Import();
        var split = AudioSplitter.Split(imported.Manifest, new SplitOptions(Test: 0.5, Grouped: true, Seed: 1));
        var splitVersion = await AudioDatasets.RecordDerivedAsync(_store, _artifacts, "keywords", 1, split.Manifest, "split", "tester");
        Assert.Equal((2, 1), (splitVersion.Version, splitVersion.ParentVersion));
        var corpus = await AudioDatasets.LoadAsync(_artifacts, splitVersion);
        Assert.All(corpus.Manifest.Items.GroupBy(i => i.Group), g => Assert.Single(g.Select(i => i.Split).Distinct()));
        var report = AudioDatasetInspector.Inspect(corpus);
        // yes/alice and no/bob hold the same 300 Hz tone with two labels.
        Assert.Single(report.OfKind(AudioInspectionKinds.ConflictingLabels));
        var cleaned = AudioDatasetCleaner.Clean(corpus.Manifest, report, AudioInspectionKinds.Parse("conflicting-labels"));
        var cleanVersion = await AudioDatasets.RecordDerivedAsync(_store, _artifacts, "keywords", 2, cleaned.Manifest, "clean", "tester");
        Assert.Equal((3, 2, 2), (cleanVersion.Version, cleanVersion.ParentVersion, cleaned.Manifest.Items.Count));
        Assert.Equal(imported.Manifest.Blob, cleaned.Manifest.Blob);
    }

    [Fact]
    public async Task Import_CancelledOrRefused_RecordsNothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Import(ct: cts.Token));
        var table = _temp.Sub("bad.csv");
        File.WriteAllText(table, "path,label,speaker\n../outside.wav,yes,alice\n");
        await Assert.ThrowsAsync<AudioImportException>(() => Import(path: table));
        Assert.Empty(await _store.ListDatasetVersionsAsync());
        Assert.Empty(await _artifacts.ListAsync().ToListAsync());
    }
}
