using Lepton.Data.Images.Datasets;
using Lepton.Data.Quality;

namespace Lepton.Data.Images.Inspection;

/// <summary>
/// Looks for problems in an image data set version from its manifest and stored pixels; no user file is read.
/// "The same image" means the same file hash or a pHash within <see cref="InspectionOptions.NearDuplicateDistance"/>
/// bits; each planted problem is reported once under the kind that says what is wrong with it:
/// <list type="bullet">
/// <item>copies with the same split and label are redundant: exact-duplicate (same hash) or near-duplicate (different
/// bytes, same picture);</item>
/// <item>copies in different splits are split-leakage; copies with different labels are conflicting-labels.</item>
/// </list>
/// Near-constant images are kept out of the near-duplicate search: their pHash is the sign of rounding noise, so any two
/// blank images would match. Near pairs come from a multi-index <see cref="HammingIndex"/>, not from all pairs.
/// </summary>
public static class ImageDatasetInspector
{
    public static InspectionReport Inspect(ImageManifest manifest, IImagePixelSource pixels, InspectionOptions? options = null, string? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(pixels);
        options ??= new InspectionOptions();
        var items = manifest.Items;
        var findings = new List<InspectionFinding>();

        AddProblems(items, findings);
        var readable = items.Where(i => i.IsReadable).ToList();
        var stats = Measure(readable, pixels);
        AddSameImage(readable, stats, options, findings);
        var classCounts = ClassCounts(manifest, readable);
        AddImbalance(classCounts, options, findings);
        AddExtremeSizes(readable, options, findings);
        AddNearConstant(readable, stats, options, findings);
        if (options.PredictedProbabilities is { } probs) AddLabelErrors(manifest, readable, probs, findings);

        var order = InspectionKinds.All.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        // Label errors keep their rank (most suspicious first); the rest sort by the file or class they name.
        var sorted = findings.Where(f => f.Kind != InspectionKinds.LabelError).OrderBy(f => order[f.Kind])
            .ThenBy(f => f.Files.Count > 0 ? f.Files[0] : f.Class ?? "", StringComparer.Ordinal)
            .Concat(findings.Where(f => f.Kind == InspectionKinds.LabelError)).ToList();
        return new InspectionReport(dataset, items.Count, classCounts, sorted, options);
    }

    /// <summary>pHash and pixel standard deviation of one stored image.</summary>
    internal readonly record struct ImageStats(ulong Hash, double Std);

    private static void AddProblems(IReadOnlyList<ImageItem> items, List<InspectionFinding> findings)
    {
        foreach (var item in items)
        {
            if (item.Problem is not { } problem) continue;
            var kind = problem.Kind is ImageProblemKind.NotAnImage or ImageProblemKind.Empty
                ? InspectionKinds.NotAnImage : InspectionKinds.Unreadable;
            findings.Add(new InspectionFinding(kind, $"{item.Path}: {problem.Message}", [item.Path]));
        }
    }

    /// <summary>Hash and spread per distinct file hash (copies are measured once), in parallel.</summary>
    private static Dictionary<string, ImageStats> Measure(List<ImageItem> readable, IImagePixelSource source)
    {
        var layout = source.Layout;
        var unique = readable.GroupBy(i => i.Sha256, StringComparer.Ordinal).Select(g => g.First()).ToArray();
        var stats = new ImageStats[unique.Length];
        Parallel.For(0, unique.Length, () => new byte[layout.ImageBytes], (i, _, buffer) =>
        {
            source.Read(unique[i], buffer);
            stats[i] = new ImageStats(PerceptualHash.Compute(buffer, layout.Width, layout.Height, layout.Channels), StdDev(buffer, layout.Channels));
            return buffer;
        }, _ => { });
        var result = new Dictionary<string, ImageStats>(StringComparer.Ordinal);
        for (int i = 0; i < unique.Length; i++) result[unique[i].Sha256] = stats[i];
        return result;
    }

    /// <summary>The largest per-channel standard deviation: a flat coloured image is flat in every channel.</summary>
    internal static double StdDev(ReadOnlySpan<byte> hwc, int channels)
    {
        int pixels = hwc.Length / channels;
        if (pixels == 0) return 0;
        double worst = 0;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, sq = 0;
            for (int p = 0; p < pixels; p++) { double v = hwc[p * channels + c]; sum += v; sq += v * v; }
            double mean = sum / pixels;
            worst = Math.Max(worst, Math.Sqrt(Math.Max(0, sq / pixels - mean * mean)));
        }
        return worst;
    }

    private static void AddSameImage(List<ImageItem> readable, Dictionary<string, ImageStats> stats, InspectionOptions options, List<InspectionFinding> findings)
    {
        var shas = stats.Keys.OrderBy(s => s, StringComparer.Ordinal).ToList();
        var index = shas.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        // Union-find over distinct file hashes joined by near pairs (copies of one hash are one node already).
        var parent = Enumerable.Range(0, shas.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var searchable = Enumerable.Range(0, shas.Count).Where(i => stats[shas[i]].Std >= options.NearConstantStd).ToList();
        foreach (var (a, b) in HammingIndex.Pairs(searchable.Select(i => stats[shas[i]].Hash).ToList(), options.NearDuplicateDistance))
        {
            int ra = Find(searchable[a]), rb = Find(searchable[b]);
            if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        var groups = readable.GroupBy(i => Find(index[i.Sha256]))
            .Select(g => g.OrderBy(i => i.Path, StringComparer.Ordinal).ToList())
            .Where(g => g.Count > 1);
        foreach (var group in groups)
        {
            foreach (var same in group.GroupBy(i => (i.Split, i.Label)).Where(g => g.Count() > 1))
            {
                var copies = same.ToList();
                foreach (var exact in copies.GroupBy(i => i.Sha256).Where(g => g.Count() > 1))
                {
                    var files = exact.Select(i => i.Path).ToList();
                    findings.Add(new InspectionFinding(InspectionKinds.ExactDuplicate,
                        $"{files.Count} identical files{Where(same.Key.Split, same.Key.Label)}: {Join(files)}.", files));
                }
                if (copies.Select(i => i.Sha256).Distinct().Count() > 1)
                {
                    var files = copies.Select(i => i.Path).ToList();
                    findings.Add(new InspectionFinding(InspectionKinds.NearDuplicate,
                        $"{files.Count} files show the same picture (perceptual hash within {options.NearDuplicateDistance} bits){Where(same.Key.Split, same.Key.Label)}: {Join(files)}.", files));
                }
            }
            var all = group.Select(i => i.Path).ToList();
            var splits = group.Select(i => i.Split).OfType<string>().Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
            if (splits.Count > 1)
                findings.Add(new InspectionFinding(InspectionKinds.SplitLeakage,
                    $"The same image is in {string.Join(" and ", splits)}: {Describe(group, i => i.Split)}.", all));
            var labels = group.Select(i => i.Label).OfType<string>().Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
            if (labels.Count > 1)
                findings.Add(new InspectionFinding(InspectionKinds.ConflictingLabels,
                    $"The same image is labelled {string.Join(" and ", labels.Select(l => $"'{l}'"))}: {Describe(group, i => i.Label)}.", all));
        }
    }

    private static Dictionary<string, int> ClassCounts(ImageManifest manifest, List<ImageItem> readable)
    {
        var counts = manifest.Classes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        foreach (var item in readable)
            if (item.Label is { } label) counts[label] = counts.GetValueOrDefault(label) + 1;
        return counts;
    }

    private static void AddImbalance(Dictionary<string, int> counts, InspectionOptions options, List<InspectionFinding> findings)
    {
        if (counts.Count < 2) return;
        var (largest, max) = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value)).First();
        foreach (var (name, n) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)))
            if (n < options.ImbalanceRatio * max)
                findings.Add(new InspectionFinding(InspectionKinds.ClassImbalance,
                    $"Class '{name}' has {n} images, fewer than {options.ImbalanceRatio:0.##} of the largest class '{largest}' ({max}); add images, or weight or resample the classes.",
                    [], name));
    }

    private static void AddExtremeSizes(List<ImageItem> readable, InspectionOptions options, List<InspectionFinding> findings)
    {
        foreach (var item in readable)
        {
            if (item.Width <= 0 || item.Height <= 0) continue;
            double aspect = (double)Math.Max(item.Width, item.Height) / Math.Min(item.Width, item.Height);
            string? why =
                Math.Min(item.Width, item.Height) < options.MinSide ? $"a side under {options.MinSide} px" :
                Math.Max(item.Width, item.Height) > options.MaxSide ? $"a side over {options.MaxSide} px" :
                aspect > options.MaxAspectRatio ? $"an aspect ratio of {aspect:0.#}, over {options.MaxAspectRatio:0.#}" : null;
            if (why is not null)
                findings.Add(new InspectionFinding(InspectionKinds.ExtremeSize,
                    $"{item.Path} is {item.Width}x{item.Height}, {why}.", [item.Path]));
        }
    }

    private static void AddNearConstant(List<ImageItem> readable, Dictionary<string, ImageStats> stats, InspectionOptions options, List<InspectionFinding> findings)
    {
        foreach (var item in readable)
        {
            double std = stats[item.Sha256].Std;
            if (std < options.NearConstantStd)
                findings.Add(new InspectionFinding(InspectionKinds.NearConstant,
                    $"{item.Path} is almost one colour (largest per-channel pixel standard deviation {std:0.##} of 255, under {options.NearConstantStd:0.##}).", [item.Path]));
        }
    }

    private static void AddLabelErrors(ImageManifest manifest, List<ImageItem> readable, IReadOnlyDictionary<string, float[]> probs, List<InspectionFinding> findings)
    {
        int k = manifest.Classes.Count;
        var classIndex = manifest.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var rows = readable.Where(i => i.Label is not null && probs.ContainsKey(i.Path)).ToList();
        if (rows.Count == 0 || k < 2) return;
        var p = new float[rows.Count * k];
        var y = new int[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = probs[rows[r].Path];
            if (row.Length != k)
                throw new ArgumentException($"Predicted probabilities for {rows[r].Path} have {row.Length} classes, the manifest {k}.");
            row.CopyTo(p, r * k);
            y[r] = classIndex[rows[r].Label!];
        }
        var issues = ConfidentLearning.FindLabelIssues(p, y, k);
        foreach (var r in issues.Indices)
        {
            int guess = 0;
            for (int j = 1; j < k; j++) if (p[r * k + j] > p[r * k + guess]) guess = j;
            findings.Add(new InspectionFinding(InspectionKinds.LabelError,
                $"{rows[r].Path} is labelled '{rows[r].Label}' but looks like '{manifest.Classes[guess]}' (p={p[r * k + guess]:0.00}; p of its label {issues.SelfConfidence[r]:0.00}).",
                [rows[r].Path]));
        }
    }

    private static string Where(string? split, string? label) =>
        (split, label) switch
        {
            (null, null) => "",
            (null, _) => $" in class '{label}'",
            (_, null) => $" in {split}",
            _ => $" in {split}, class '{label}'",
        };

    private static string Describe(List<ImageItem> group, Func<ImageItem, string?> key) =>
        string.Join(", ", group.Select(i => $"{i.Path} ({key(i) ?? "none"})"));

    private static string Join(List<string> files) => string.Join(", ", files);
}
