using System.Security.Cryptography;
using System.Text;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Text.Inspection;

/// <summary>
/// Looks for problems in a text data set version from its manifest and stored texts; no user file is read. "The same
/// text" means the same normalized text (exact) or a MinHash candidate whose shingle sets have Jaccard similarity at least
/// <see cref="TextInspectionOptions.NearDuplicateJaccard"/> (near). As for images, each planted problem is reported once
/// under the kind that says what is wrong with it: copies with the same split and labels are exact-duplicate or
/// near-duplicate; copies in different splits are split-leakage; copies with different labels are conflicting-labels.
/// Empty texts (white space only) are reported as empty-text and kept out of the other checks.
/// </summary>
public static class TextDatasetInspector
{
    public static TextInspectionReport Inspect(TextCorpus corpus, TextInspectionOptions? options = null, string? dataset = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new TextInspectionOptions();
        var items = corpus.Manifest.Items;
        var findings = new List<InspectionFinding>();
        AddProblems(items, findings);
        var readable = items.Where(i => i.IsReadable).Select(i => (Item: i, Text: corpus.Text(i))).ToList();
        foreach (var (item, text) in readable.Where(r => string.IsNullOrWhiteSpace(r.Text)))
            findings.Add(new InspectionFinding(TextInspectionKinds.EmptyText, $"{item.Path} is empty{(text.Length > 0 ? " (white space only)" : "")}.", [item.Path]));
        foreach (var (item, text) in readable)
        {
            int replaced = text.Count(c => c == '\uFFFD');
            if (replaced > 0)
                findings.Add(new InspectionFinding(TextInspectionKinds.EncodingError,
                    $"{item.Path} holds {replaced} replacement character(s) (U+FFFD): bytes that were not valid in its encoding.", [item.Path]));
        }
        var texts = readable.Where(r => !string.IsNullOrWhiteSpace(r.Text)).ToList();
        AddSameText(texts, options, findings, ct);
        AddLengthOutliers(texts, options, findings);
        var classCounts = corpus.Manifest.Classes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        foreach (var (item, _) in texts)
            foreach (var l in item.Labels) classCounts[l] = classCounts.GetValueOrDefault(l) + 1;
        AddImbalance(classCounts, options, findings);
        var order = TextInspectionKinds.All.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var sorted = findings.OrderBy(f => order[f.Kind]).ThenBy(f => f.Files.Count > 0 ? f.Files[0] : f.Class ?? "", StringComparer.Ordinal).ToList();
        return new TextInspectionReport(dataset, items.Count, classCounts, sorted, options);
    }

    private static void AddProblems(IReadOnlyList<TextItem> items, List<InspectionFinding> findings)
    {
        foreach (var item in items)
        {
            if (item.Problem is not { } problem) continue;
            var kind = problem.Kind == TextProblemKind.InvalidUtf8 ? TextInspectionKinds.EncodingError : TextInspectionKinds.Unreadable;
            var message = problem.Message.Contains(item.Path, StringComparison.Ordinal) ? problem.Message : $"{item.Path}: {problem.Message}";
            findings.Add(new InspectionFinding(kind, message, [item.Path]));
        }
    }

    private static void AddSameText(List<(TextItem Item, string Text)> texts, TextInspectionOptions options, List<InspectionFinding> findings, CancellationToken ct)
    {
        // Distinct texts (by hash of the normalized text) are the nodes; exact copies share a node.
        var hashOf = texts.Select(t => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(t.Text)))).ToArray();
        var distinct = hashOf.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var node = distinct.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
        var sample = new string?[distinct.Count];
        for (int i = 0; i < texts.Count; i++) sample[node[hashOf[i]]] ??= texts[i].Text;
        var minHash = new MinHash(options.MinHashes, options.Bands, options.ShingleSize);
        var shingles = new HashSet<ulong>[sample.Length];
        var signatures = new ulong[sample.Length][];
        Parallel.For(0, sample.Length, new ParallelOptions { CancellationToken = ct }, i =>
        {
            shingles[i] = minHash.Shingles(sample[i]!);
            signatures[i] = minHash.Signature(shingles[i]);
        });
        var parent = Enumerable.Range(0, sample.Length).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        ct.ThrowIfCancellationRequested();
        foreach (var (a, b) in minHash.Candidates(signatures))
        {
            if (MinHash.Jaccard(shingles[a], shingles[b]) < options.NearDuplicateJaccard) continue;
            int ra = Find(a), rb = Find(b);
            if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        var groups = texts.Select((t, i) => (t.Item, Hash: hashOf[i])).GroupBy(x => Find(node[x.Hash]))
            .Select(g => g.OrderBy(x => x.Item.Path, StringComparer.Ordinal).ToList()).Where(g => g.Count > 1);
        foreach (var group in groups)
        {
            foreach (var same in group.GroupBy(x => (x.Item.Split, Labels: LabelKey(x.Item))).Where(g => g.Count() > 1))
            {
                var copies = same.ToList();
                foreach (var exact in copies.GroupBy(x => x.Hash).Where(g => g.Count() > 1))
                {
                    var files = exact.Select(x => x.Item.Path).ToList();
                    findings.Add(new InspectionFinding(TextInspectionKinds.ExactDuplicate, $"{files.Count} identical texts{Where(same.Key.Split, same.Key.Labels)}: {Join(files)}.", files));
                }
                if (copies.Select(x => x.Hash).Distinct().Count() > 1)
                {
                    var files = copies.Select(x => x.Item.Path).ToList();
                    findings.Add(new InspectionFinding(TextInspectionKinds.NearDuplicate,
                        $"{files.Count} texts are nearly the same (shingle Jaccard at least {options.NearDuplicateJaccard:0.##}){Where(same.Key.Split, same.Key.Labels)}: {Join(files)}.", files));
                }
            }
            var all = group.Select(x => x.Item.Path).ToList();
            var splits = group.Select(x => x.Item.Split).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            if (splits.Count > 1)
                findings.Add(new InspectionFinding(TextInspectionKinds.SplitLeakage,
                    $"The same text is in {string.Join(" and ", splits)}: {string.Join(", ", group.Select(x => $"{x.Item.Path} ({x.Item.Split ?? "none"})"))}.", all));
            var labels = group.Select(x => LabelKey(x.Item)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (labels.Count > 1)
                findings.Add(new InspectionFinding(TextInspectionKinds.ConflictingLabels,
                    $"The same text is labelled {string.Join(" and ", labels.Select(l => $"'{l}'"))}: {string.Join(", ", group.Select(x => $"{x.Item.Path} ({LabelKey(x.Item)})"))}.", all));
        }
    }

    private static void AddLengthOutliers(List<(TextItem Item, string Text)> texts, TextInspectionOptions options, List<InspectionFinding> findings)
    {
        if (texts.Count < 8) return; // too few texts to say what is typical
        var logs = texts.Select(t => Math.Log(Math.Max(1, t.Text.Length))).ToArray();
        double median = Median(logs);
        double mad = Median([.. logs.Select(l => Math.Abs(l - median))]);
        double scale = Math.Max(1.4826 * mad, 0.5); // a floor: with similar lengths, only texts over e^(4·0.5) ≈ 7x off the median are outliers
        int typical = (int)Math.Round(Math.Exp(median));
        for (int i = 0; i < texts.Count; i++)
        {
            double z = (logs[i] - median) / scale;
            if (Math.Abs(z) > options.LengthOutlierZ)
                findings.Add(new InspectionFinding(TextInspectionKinds.LengthOutlier,
                    $"{texts[i].Item.Path} has {texts[i].Text.Length:N0} characters, {(z > 0 ? "far longer" : "far shorter")} than the typical {typical:N0} ({Math.Abs(z):0.#} robust deviations of log length, over {options.LengthOutlierZ:0.#}).",
                    [texts[i].Item.Path]));
        }
    }

    private static void AddImbalance(Dictionary<string, int> counts, TextInspectionOptions options, List<InspectionFinding> findings)
    {
        if (counts.Count < 2) return;
        var (largest, max) = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).First();
        foreach (var (name, n) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)))
            if (n < options.ImbalanceRatio * max)
                findings.Add(new InspectionFinding(TextInspectionKinds.ClassImbalance,
                    $"Class '{name}' has {n} texts, fewer than {options.ImbalanceRatio:0.##} of the largest class '{largest}' ({max}); add texts, or weight or resample the classes.", [], name));
    }

    private static string LabelKey(TextItem item) => string.Join("|", item.Labels.Order(StringComparer.Ordinal));

    private static double Median(double[] values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string Where(string? split, string labels) =>
        (split, labels) switch
        {
            (null, "") => "",
            (null, _) => $" in class '{labels}'",
            (_, "") => $" in {split}",
            _ => $" in {split}, class '{labels}'",
        };

    private static string Join(List<string> files) => files.Count <= 6 ? string.Join(", ", files) : $"{string.Join(", ", files.Take(6))} and {files.Count - 6} more";
}
