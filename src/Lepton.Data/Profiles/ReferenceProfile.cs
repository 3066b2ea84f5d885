using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lepton.Data.Profiles;

/// <summary>
/// The distribution of one input statistic on the reference data: interior cut points at the deciles (so each bin holds
/// about a tenth of the reference), the reference proportion in each bin, and a sorted sample of the values for KS tests.
/// </summary>
public sealed record StatisticProfile(double[] CutPoints, double[] Proportions, double[] Sample)
{
    /// <summary>The bin of <paramref name="value"/>: the number of cut points at or below it (0..CutPoints.Length).</summary>
    public int BinOf(double value)
    {
        int lo = 0, hi = CutPoints.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (CutPoints[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}

/// <summary>
/// What monitoring compares live traffic against, stored with the model (<c>reference.json</c> in its folder): per-example
/// input statistics of the training data in the raw domain clients send (before the model's preprocessing), and the
/// class mix of the true labels and of the model's own predictions on held-out data.
/// </summary>
public sealed record ReferenceProfile(
    int Count,
    IReadOnlyList<string> ClassNames,
    IReadOnlyDictionary<string, StatisticProfile> Inputs,
    double[] LabelProportions,
    double[] PredictedProportions)
{
    /// <summary>A text model's text statistics reference (token-frequency bins, script mix, length and rare-token profiles); null for other models.</summary>
    public TextReferenceProfile? Text { get; init; }

    /// <summary>A table model's per-column reference (missing rates, deciles, category shares) and its prediction profile; null for other models.</summary>
    public TableReferenceProfile? Table { get; init; }

    public const string FileName = "reference.json";
    public const string Format = "lepton-reference/1";
    private const int Bins = 10;
    private const int MaxSample = 2000;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Profiles the examples (one <see cref="ExampleStatistics"/> each) and the class counts of labels and predictions.
    /// </summary>
    public static ReferenceProfile Build(IReadOnlyList<ExampleStatistics> examples, IReadOnlyList<string> classNames, IReadOnlyList<long> labelCounts,
        IReadOnlyList<long> predictedCounts)
    {
        if (examples.Count == 0) throw new ArgumentException("A reference profile needs at least one example.", nameof(examples));
        if (labelCounts.Count != classNames.Count || predictedCounts.Count != classNames.Count)
            throw new ArgumentException($"Class counts must have one entry per class ({classNames.Count}), got {labelCounts.Count} labels and {predictedCounts.Count} predictions.");
        var inputs = new Dictionary<string, StatisticProfile>();
        foreach (string name in ExampleStatistics.Names)
            inputs[name] = Profile(examples.Select(e => e[name]).ToArray());
        return new ReferenceProfile(examples.Count, classNames.ToArray(), inputs, Proportions(labelCounts), Proportions(predictedCounts));
    }

    /// <summary>
    /// A text model's reference from <paramref name="count"/> profiled texts: their statistics in <paramref name="text"/> (no numeric input statistics) and the
    /// class counts of labels and predictions on held-out texts.
    /// </summary>
    public static ReferenceProfile ForText(int count, TextReferenceProfile text, IReadOnlyList<string> classNames, IReadOnlyList<long> labelCounts, IReadOnlyList<long> predictedCounts)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (labelCounts.Count != classNames.Count || predictedCounts.Count != classNames.Count)
            throw new ArgumentException($"Class counts must have one entry per class ({classNames.Count}), got {labelCounts.Count} labels and {predictedCounts.Count} predictions.");
        return new ReferenceProfile(count, classNames.ToArray(), new Dictionary<string, StatisticProfile>(),
            Proportions(labelCounts), Proportions(predictedCounts)) { Text = text };
    }

    /// <summary>
    /// A table model's reference: <paramref name="table"/> per column (no per-example input statistics) and the class counts of
    /// labels and predictions on held-out rows (empty for a regressor).
    /// </summary>
    public static ReferenceProfile ForTable(int count, TableReferenceProfile table, IReadOnlyList<string> classNames, IReadOnlyList<long> labelCounts,
        IReadOnlyList<long> predictedCounts)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (labelCounts.Count != classNames.Count || predictedCounts.Count != classNames.Count)
            throw new ArgumentException($"Class counts must have one entry per class ({classNames.Count}), got {labelCounts.Count} labels and {predictedCounts.Count} predictions.");
        return new ReferenceProfile(count, classNames.ToArray(), new Dictionary<string, StatisticProfile>(),
            Proportions(labelCounts), Proportions(predictedCounts)) { Table = table };
    }

    /// <summary>
    /// The decile profile of <paramref name="values"/> (sorted in place) with a sorted sample for KS tests.
    /// With <paramref name="binAboveMax"/>, one more cut just above the largest value gives values past anything seen in the
    /// reference a bin of their own: a statistic that is nearly constant in training (a rare-token rate of 0) still shows drift.
    /// </summary>
    internal static StatisticProfile Profile(double[] values, bool binAboveMax = false)
    {
        Lepton.Data.Tables.Inspection.NumberSort.Sort(values);
        var cuts = new List<double>();
        for (int b = 1; b < Bins; b++)
        {
            double q = values[(int)Math.Min(values.Length - 1, Math.Floor((double)b * values.Length / Bins))];
            if (cuts.Count == 0 || q > cuts[^1]) cuts.Add(q);
        }
        if (binAboveMax && values.Length > 0 && (cuts.Count == 0 || Math.BitIncrement(values[^1]) > cuts[^1])) cuts.Add(Math.BitIncrement(values[^1]));
        var profile = new StatisticProfile(cuts.ToArray(), new double[cuts.Count + 1], []);
        var counts = new long[cuts.Count + 1];
        foreach (double v in values) counts[profile.BinOf(v)]++;
        for (int b = 0; b < counts.Length; b++) profile.Proportions[b] = (double)counts[b] / values.Length;
        int n = Math.Min(MaxSample, values.Length);
        var sample = new double[n];
        for (int i = 0; i < n; i++) sample[i] = values[(int)((long)i * values.Length / n)];
        return profile with { Sample = sample };
    }

    private static double[] Proportions(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        return counts.Select(c => total == 0 ? 0 : c / total).ToArray();
    }

    /// <summary>Writes <c>reference.json</c> into a model folder.</summary>
    public void Save(string folder)
    {
        var document = new Document(Format, Count, ClassNames, Inputs, LabelProportions, PredictedProportions,
            Text is null ? null : new TextDocument(Text.Bins.ToBase64(), TokenFrequencyBins.RareBelow, Text.Statistics, Text.FrequencyProportions, Text.ScriptProportions, TextScripts.Names),
            Table);
        string path = Path.Combine(folder, FileName);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(document, Json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The profile stored in a model folder, or null when the folder has none (models trained before profiles existed).</summary>
    public static ReferenceProfile? Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        Document? d;
        try
        {
            d = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid reference profile: {e.Message}");
        }
        if (d is null || d.Format != Format || d.Inputs is null || d.ClassNames is null || d.LabelProportions is null || d.PredictedProportions is null)
            throw new InvalidDataException($"{path} is not a {Format} reference profile; retrain or re-register the model to rebuild it.");
        if (d.Table is { } table && (table.Columns is null || table.Columns.Any(c => c?.Name is null || (c.Numbers is null && c.Categories is null && c.MissingRate < 1))))
            throw new InvalidDataException($"{path} has a table section this version cannot read; retrain the model to rebuild it.");
        return new ReferenceProfile(d.Count, d.ClassNames, d.Inputs, d.LabelProportions, d.PredictedProportions) { Text = LoadText(d.Text, path), Table = d.Table };
    }

    private static TextReferenceProfile? LoadText(TextDocument? t, string path)
    {
        if (t is null) return null;
        if (t.Bins is null || t.Statistics is null || t.FrequencyProportions?.Length != TokenFrequencyBins.Count
            || t.ScriptProportions is null || t.Scripts is null || !t.Scripts.SequenceEqual(TextScripts.Names)
            || TextStatistics.Names.Any(n => !t.Statistics.ContainsKey(n)))
            throw new InvalidDataException($"{path} has a text section this version cannot read; retrain the model to rebuild it.");
        return new TextReferenceProfile(TokenFrequencyBins.FromBase64(t.Bins), t.Statistics, t.FrequencyProportions, t.ScriptProportions);
    }

    private sealed record Document(
        string Format,
        int Count,
        IReadOnlyList<string> ClassNames,
        IReadOnlyDictionary<string, StatisticProfile> Inputs,
        double[] LabelProportions,
        double[] PredictedProportions,
        TextDocument? Text = null,
        TableReferenceProfile? Table = null);

    private sealed record TextDocument(
        string Bins,
        int RareBelow,
        IReadOnlyDictionary<string, StatisticProfile> Statistics,
        double[] FrequencyProportions,
        double[] ScriptProportions,
        IReadOnlyList<string> Scripts);
}
