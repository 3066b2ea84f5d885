using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry.Store;

namespace Lepton.Registry.Datasets.Tables;

/// <summary>
/// The registry's JSON for a table data set version: the summary (<see cref="DatasetVersion.ManifestJson"/>: format,
/// the normalized Parquet artifact, source files with sizes and SHA-256s, rows, columns, rows per split), the schema
/// (<see cref="TableSchema.ToJson"/>: every column's kind and the label, task, group and time columns) and statistics
/// (per column: missing, distinct, numbers' range and moments, the most common values; the label per split).
/// </summary>
public static class TableDatasetSummary
{
    public const string Format = "lepton-table/1";

    public static bool IsTableVersion(DatasetVersion version) => DatasetSummaryJson.HasFormat(version, Format);

    /// <summary>The hash of the version's normalized Parquet artifact.</summary>
    public static string DataArtifact(DatasetVersion version) => DatasetSummaryJson.Artifact(version, Format, "data_artifact",
        "is not a table data set; table verbs need a version made by lepton data import of a .csv, .tsv, .parquet or Excel file.");

    /// <summary>The content hash: the table's digest (values, row numbers, splits) with its schema.</summary>
    public static string ContentHash(Table table, TableSchema schema, TableSplits? splits)
    {
        var text = new JsonObject { ["format"] = Format, ["data"] = TableDigest.Compute(table, splits), ["schema"] = schema.ToJson(indented: false) }.ToJsonString();
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    public static string Manifest(Table table, TableSplits? splits, string dataArtifact, long dataBytes, string source,
        IReadOnlyList<(string File, long Size, string Sha256)> files, string? note = null, int? derivedFrom = null, string? query = null,
        JsonObject? lags = null)
    {
        var o = new JsonObject
        {
            ["format"] = Format,
            ["data_artifact"] = dataArtifact,
            ["data_format"] = "parquet",
            ["data_bytes"] = dataBytes,
            ["source"] = source,
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject { ["file"] = f.File, ["size"] = f.Size, ["sha256"] = f.Sha256 })]),
            ["rows"] = table.RowCount,
            ["columns"] = table.Columns.Count,
            ["rows_per_split"] = splits is null ? new JsonObject { ["none"] = table.RowCount } : Counts(splits.Split),
        };
        if (note is not null) o["note"] = note;
        if (query is not null) o["query"] = query;
        if (derivedFrom is { } d) o["derived_from"] = d;
        if (lags is not null) o["lags"] = lags;
        return o.ToJsonString();
    }

    public static string Statistics(Table table, TableSchema schema, TableSplits? splits)
    {
        // Columns are independent: summarized in parallel, added in table order.
        var summaries = new JsonObject[table.Columns.Count];
        Parallel.For(0, summaries.Length, i => summaries[i] = ColumnStatistics(table.Columns[i]));
        var columns = new JsonObject();
        for (int i = 0; i < summaries.Length; i++) columns[table.Columns[i].Name] = summaries[i];
        var o = new JsonObject { ["rows"] = table.RowCount, ["columns"] = columns };
        if (schema.LabelColumn is { } label && table.TryGetColumn(label, out var y))
        {
            var perSplit = new JsonObject();
            foreach (var g in Enumerable.Range(0, table.RowCount).GroupBy(r => splits?.Split[r] ?? "none").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (schema.Task == TableTask.Regression && y is NumericColumn ny)
                {
                    var v = g.Select(r => ny.Values[r]).Where(x => !double.IsNaN(x)).ToArray();
                    perSplit[g.Key] = new JsonObject { ["rows"] = g.Count(), ["mean"] = v.Length == 0 ? null : Math.Round(v.Average(), 6) };
                }
                else
                {
                    perSplit[g.Key] = Counts(g.Select(r => y.Format(r) ?? "(missing)"));
                }
            }
            o["label"] = new JsonObject { ["column"] = label, ["task"] = schema.Task is { } t ? TableTasks.Name(t) : null, ["per_split"] = perSplit };
        }
        return o.ToJsonString();
    }

    private static JsonObject ColumnStatistics(TableColumn c)
    {
        // Every number is counted by its bits, not its text: "R" text is one per value, so the count is the same, without formatting each.
        var counts = c is NumericColumn ? null : new Dictionary<string, int>(StringComparer.Ordinal);
        if (counts is not null)
            for (int r = 0; r < c.Length; r++) if (c.Format(r) is { } v) counts[v] = counts.GetValueOrDefault(v) + 1;
        var s = new JsonObject
        {
            ["kind"] = ColumnKinds.Name(c.Kind),
            ["missing"] = c.MissingCount(),
            ["distinct"] = counts?.Count ?? DistinctNumbers(((NumericColumn)c).Values),
        };
        if (c is NumericColumn n && n.Values.Any(v => !double.IsNaN(v)))
        {
            // A complete column is used as it is (the same values in the same order as a filtered copy).
            var present = Array.Exists(n.Values, double.IsNaN) ? n.Values.Where(v => !double.IsNaN(v)).ToArray() : n.Values;
            double mean = present.Average();
            s["min"] = present.Min();
            s["max"] = present.Max();
            s["mean"] = Math.Round(mean, 6);
            s["std"] = Math.Round(Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / present.Length), 6);
        }
        else if (c.Kind is ColumnKind.Categorical or ColumnKind.Boolean)
        {
            s["top"] = new JsonArray([.. counts!.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(5)
                .Select(kv => (JsonNode)new JsonObject { ["value"] = kv.Key, ["count"] = kv.Value })]);
        }
        else if (c is DateTimeColumn t && t.Values.Any(v => v is not null))
        {
            s["min"] = t.Values.Where(v => v is not null).Min()!.Value.ToString("o", CultureInfo.InvariantCulture);
            s["max"] = t.Values.Where(v => v is not null).Max()!.Value.ToString("o", CultureInfo.InvariantCulture);
        }
        return s;
    }

    /// <summary>How many distinct values (by bits, so 0 and -0 differ as their texts do) the present numbers hold.</summary>
    internal static int DistinctNumbers(double[] values)
    {
        // Small non-negative integers (pixels, counts, codes) are marked in a bitmap; the rest go to a set.
        const int Small = 1 << 16;
        ulong[]? small = null;
        HashSet<long>? other = null;
        int distinct = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            long bits = BitConverter.DoubleToInt64Bits(v);
            if (bits >= 0 && v < Small && v == Math.Floor(v))
            {
                small ??= new ulong[Small / 64];
                int i = (int)v;
                ulong mask = 1UL << (i & 63);
                if ((small[i >> 6] & mask) == 0)
                {
                    small[i >> 6] |= mask;
                    distinct++;
                }
            }
            else if ((other ??= []).Add(bits))
            {
                distinct++;
            }
        }
        return distinct;
    }

    private static JsonObject Counts(IEnumerable<string> keys)
    {
        var o = new JsonObject();
        foreach (var g in keys.GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal)) o[g.Key] = g.Count();
        return o;
    }
}
