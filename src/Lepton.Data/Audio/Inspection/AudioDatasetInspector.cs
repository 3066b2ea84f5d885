using System.Security.Cryptography;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Audio.Inspection;

/// <summary>
/// Looks for problems in an audio data set version from its manifest and stored samples; no user file is read. "The same
/// clip" means the same stored samples (so one recording saved twice, or at two rates that resample to the same samples,
/// is caught, not only byte-identical files). As for images and texts, each copy problem is reported once under the kind
/// that says what is wrong: same split and label, exact-duplicate; different splits, split-leakage; different labels,
/// conflicting-labels. A speaker (group) with clips in two splits is speaker-leakage: the test would hear a known voice.
/// </summary>
public static class AudioDatasetInspector
{
    public static AudioInspectionReport Inspect(AudioCorpus corpus, AudioInspectionOptions? options = null, string? dataset = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new AudioInspectionOptions();
        var items = corpus.Manifest.Items;
        var findings = new List<InspectionFinding>();
        foreach (var item in items.Where(i => i.Problem is not null))
            findings.Add(new InspectionFinding(AudioInspectionKinds.Unreadable, item.Problem!.Contains(item.Path, StringComparison.Ordinal) ? item.Problem : $"{item.Path}: {item.Problem}", [item.Path]));
        var readable = items.Where(i => i.IsReadable).ToList();
        foreach (var item in readable)
        {
            if (item.RmsDb < options.SilenceDb)
                findings.Add(new InspectionFinding(AudioInspectionKinds.Silence,
                    $"{item.Path} is silent: RMS {(item.RmsDb <= AudioItem.SilentDb ? "-inf" : item.RmsDb.ToString("0.0"))} dBFS, below {options.SilenceDb} dBFS.", [item.Path]));
            if (item.Clipped > options.ClippedFraction)
                findings.Add(new InspectionFinding(AudioInspectionKinds.Clipping,
                    $"{item.Path} is clipped: {item.Clipped:P2} of its samples are at full scale (more than {options.ClippedFraction:P2}); record it at a lower gain.", [item.Path]));
            if (item.Seconds < options.MinSeconds)
                findings.Add(new InspectionFinding(AudioInspectionKinds.TooShort, $"{item.Path} lasts {item.Seconds:0.###} s, shorter than {options.MinSeconds} s.", [item.Path]));
            if (item.Seconds > options.MaxSeconds)
                findings.Add(new InspectionFinding(AudioInspectionKinds.TooLong, $"{item.Path} lasts {item.Seconds:0.##} s, longer than {options.MaxSeconds} s; cut it into clips.", [item.Path]));
        }
        AddCopies(corpus, readable, findings, ct);
        AddSpeakerLeakage(readable, findings);
        var classCounts = corpus.Manifest.Classes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        foreach (var item in readable.Where(i => i.Label is not null)) classCounts[item.Label!] = classCounts.GetValueOrDefault(item.Label!) + 1;
        int largest = classCounts.Count == 0 ? 0 : classCounts.Values.Max();
        foreach (var (cls, n) in classCounts.Where(c => c.Value < options.ImbalanceRatio * largest))
            findings.Add(new InspectionFinding(AudioInspectionKinds.ClassImbalance,
                $"Class '{cls}' has {n} clips, fewer than {options.ImbalanceRatio:0.##} x the largest class ({largest}).", [], cls));
        var order = AudioInspectionKinds.All.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var sorted = findings.OrderBy(f => order[f.Kind]).ThenBy(f => f.Files.Count > 0 ? f.Files[0] : f.Class ?? "", StringComparer.Ordinal).ToList();
        return new AudioInspectionReport(dataset, items.Count, classCounts, sorted, options);
    }

    private static void AddCopies(AudioCorpus corpus, List<AudioItem> readable, List<InspectionFinding> findings, CancellationToken ct)
    {
        var byContent = new Dictionary<string, List<AudioItem>>(StringComparer.Ordinal);
        foreach (var item in readable)
        {
            ct.ThrowIfCancellationRequested();
            string hash = Convert.ToHexStringLower(SHA256.HashData(corpus.Bytes(item)));
            if (!byContent.TryGetValue(hash, out var list)) byContent[hash] = list = [];
            list.Add(item);
        }
        foreach (var copies in byContent.Values.Where(l => l.Count > 1))
        {
            var paths = copies.Select(c => c.Path).Order(StringComparer.Ordinal).ToList();
            var labels = copies.Select(c => c.Label ?? "(unlabelled)").Distinct().Order(StringComparer.Ordinal).ToList();
            var splits = copies.Select(c => c.Split ?? "none").Distinct().Order(StringComparer.Ordinal).ToList();
            string kind = labels.Count > 1 ? AudioInspectionKinds.ConflictingLabels
                : splits.Count > 1 ? AudioInspectionKinds.SplitLeakage : AudioInspectionKinds.ExactDuplicate;
            string what = kind switch
            {
                AudioInspectionKinds.ConflictingLabels => $"with different labels ({string.Join(", ", labels)})",
                AudioInspectionKinds.SplitLeakage => $"in different splits ({string.Join(", ", splits)})",
                _ => "",
            };
            findings.Add(new InspectionFinding(kind, $"{paths.Count} clips hold the same audio{(what.Length > 0 ? " " + what : "")}: {string.Join(", ", paths)}.", paths));
        }
    }

    private static void AddSpeakerLeakage(List<AudioItem> readable, List<InspectionFinding> findings)
    {
        foreach (var speaker in readable.Where(i => i.Group is not null && i.Split is not null).GroupBy(i => i.Group!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var splits = speaker.GroupBy(i => i.Split!).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (splits.Count < 2) continue;
            var counts = string.Join(", ", splits.Select(s => $"{s.Count()} in {s.Key}"));
            findings.Add(new InspectionFinding(AudioInspectionKinds.SpeakerLeakage,
                $"Speaker '{speaker.Key}' has clips in {splits.Count} splits ({counts}); split with --group-column speaker to keep each voice in one split.",
                [.. speaker.Select(i => i.Path).Order(StringComparer.Ordinal)]));
        }
    }
}
