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
/// Near pairs are found in two steps: candidates whose pHashes lie within <see cref="InspectionOptions.NearDuplicateDistance"/>
/// bits (a multi-index <see cref="HammingIndex"/>, not all pairs), then a check on the pixels (<see cref="SamePicture"/>):
/// pHash alone confuses different pictures with the same layout (a bright disc on a dark noisy ground at the same place),
/// which the fine detail tells apart. Near-constant images are kept out: their pHash is rounding noise.
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
        AddSameImage(readable, stats, pixels, options, findings);
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
            // The import's messages usually name the file already.
            var message = problem.Message.Contains(item.Path, StringComparison.Ordinal) ? problem.Message : $"{item.Path}: {problem.Message}";
            findings.Add(new InspectionFinding(kind, message, [item.Path]));
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

    private static void AddSameImage(List<ImageItem> readable, Dictionary<string, ImageStats> stats, IImagePixelSource pixels, InspectionOptions options, List<InspectionFinding> findings)
    {
        var shas = stats.Keys.OrderBy(s => s, StringComparer.Ordinal).ToList();
        var index = shas.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        // Union-find over distinct file hashes joined by near pairs (copies of one hash are one node already).
        var parent = Enumerable.Range(0, shas.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var searchable = Enumerable.Range(0, shas.Count).Where(i => stats[shas[i]].Std >= options.NearConstantStd).ToList();
        var representative = readable.GroupBy(i => i.Sha256, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var candidates = HammingIndex.Pairs(searchable.Select(i => stats[shas[i]].Hash).ToList(), options.NearDuplicateDistance);
        var layout = pixels.Layout;
        var verified = new bool[candidates.Count];
        Parallel.For(0, candidates.Count, () => (new byte[layout.ImageBytes], new byte[layout.ImageBytes]), (c, _, buffers) =>
        {
            pixels.Read(representative[shas[searchable[candidates[c].A]]], buffers.Item1);
            pixels.Read(representative[shas[searchable[candidates[c].B]]], buffers.Item2);
            verified[c] = SamePicture(buffers.Item1, buffers.Item2, layout.Width, layout.Height, layout.Channels, options);
            return buffers;
        }, _ => { });
        for (int c = 0; c < candidates.Count; c++)
        {
            if (!verified[c]) continue;
            int ra = Find(searchable[candidates[c].A]), rb = Find(searchable[candidates[c].B]);
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

    /// <summary>
    /// The lowest Pearson correlation, over the channels, of the two images' 16x16 thumbnails: 1 for the same picture
    /// whatever its brightness and contrast. Per channel because two pictures with the same layout but other colours (a red
    /// disc and a green one at the same place) agree in gray; a channel nearly flat in both images says nothing and is skipped.
    /// </summary>
    internal static double Similarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height, int channels)
    {
        const int side = 16, plane = side * side;
        var ta = new float[channels * plane];
        var tb = new float[channels * plane];
        ImageResize.Bilinear(a, width, height, channels, ta, side, side);
        ImageResize.Bilinear(b, width, height, channels, tb, side, side);
        double worst = 1;
        for (int c = 0; c < Math.Min(channels, 3); c++)
        {
            var ca = ta.AsSpan(c * plane, plane);
            var cb = tb.AsSpan(c * plane, plane);
            double ma = 0, mb = 0;
            for (int i = 0; i < plane; i++) { ma += ca[i]; mb += cb[i]; }
            ma /= plane; mb /= plane;
            double sab = 0, saa = 0, sbb = 0;
            for (int i = 0; i < plane; i++)
            {
                double da = ca[i] - ma, db = cb[i] - mb;
                sab += da * db; saa += da * da; sbb += db * db;
            }
            if (saa < plane && sbb < plane) continue; // standard deviation under 1 level in both
            worst = Math.Min(worst, saa <= 1e-9 || sbb <= 1e-9 ? 0 : sab / Math.Sqrt(saa * sbb));
        }
        return worst;
    }

    /// <summary>
    /// Correlation of the two images' fine detail (gray minus its 3x3 box blur) at the stored size: copies of one picture
    /// share their texture and grain, different pictures with the same layout do not (their detail is independent, ~0).
    /// </summary>
    internal static double DetailSimilarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height, int channels)
    {
        var ra = Detail(PerceptualHash.Gray(a, width, height, channels), width, height);
        var rb = Detail(PerceptualHash.Gray(b, width, height, channels), width, height);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++) { sab += ra[i] * rb[i]; saa += ra[i] * ra[i]; sbb += rb[i] * rb[i]; }
        return saa <= 1e-9 || sbb <= 1e-9 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>
    /// The verification of a pHash candidate pair: the 16x16 layouts must agree (correlation at least
    /// <see cref="InspectionOptions.LayoutCorrelation"/>) and, when both images have fine detail (RMS of gray minus its
    /// 3x3 blur at least <see cref="InspectionOptions.MinDetailRms"/>), so must the detail
    /// (<see cref="InspectionOptions.DetailCorrelation"/>); smooth images are judged by their layout alone.
    /// </summary>
    internal static bool SamePicture(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height, int channels, InspectionOptions options)
    {
        if (Similarity(a, b, width, height, channels) < options.LayoutCorrelation) return false;
        var ra = Detail(PerceptualHash.Gray(a, width, height, channels), width, height);
        var rb = Detail(PerceptualHash.Gray(b, width, height, channels), width, height);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++) { sab += ra[i] * rb[i]; saa += ra[i] * ra[i]; sbb += rb[i] * rb[i]; }
        double minRms = Math.Sqrt(Math.Min(saa, sbb) / Math.Max(1, ra.Length));
        if (minRms < options.MinDetailRms) return true;
        return sab / Math.Sqrt(saa * sbb) >= options.DetailCorrelation;
    }

    private static double[] Detail(byte[] gray, int width, int height)
    {
        var r = new double[gray.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double sum = 0; int n = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        if ((uint)yy < (uint)height && (uint)xx < (uint)width) { sum += gray[yy * width + xx]; n++; }
                    }
                r[y * width + x] = gray[y * width + x] - sum / n;
            }
        return r;
    }
}
