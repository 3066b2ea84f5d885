using System.Text.Json;
using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Encoding;

public sealed partial class EncoderSet
{
    /// <summary>The encoders.json format tag; a file with another tag is refused rather than misread.</summary>
    public const string Format = "lepton-encoders/1";

    public const string FileName = "encoders.json";

    /// <summary>
    /// The stable JSON form: format, mode, one object per column (its kind and fitted numbers; doubles are written in
    /// shortest round-trip form so they load back bit for bit), and the feature names and categorical features for
    /// readers that only need those.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("mode", Mode == EncoderMode.Trees ? "trees" : "linear");
            w.WriteStartArray("columns");
            foreach (var e in Encoders)
            {
                w.WriteStartObject();
                w.WriteString("column", e.Column);
                w.WriteString("kind", ColumnKinds.Name(e.Kind));
                w.WriteBoolean("missing_indicator", e.MissingIndicator);
                switch (e)
                {
                    case NumericEncoder n:
                        w.WriteNumber("median", n.Median);
                        w.WriteNumber("mean", n.Mean);
                        w.WriteNumber("std", n.Std);
                        break;
                    case CategoricalEncoder c:
                        w.WriteStartArray("categories");
                        foreach (var v in c.Categories) w.WriteStringValue(v);
                        w.WriteEndArray();
                        break;
                    case DateTimeEncoder d:
                        w.WriteStartArray("parts");
                        foreach (var p in d.Parts) w.WriteStringValue(DateTimeEncoder.PartName(p));
                        w.WriteEndArray();
                        Numbers(w, "median", d.Medians);
                        Numbers(w, "mean", d.Means);
                        Numbers(w, "std", d.Stds);
                        if (d.Levels.Count > 0)
                        {
                            w.WriteStartObject("indicators");
                            foreach (var (part, values) in d.Levels)
                            {
                                w.WriteStartArray(DateTimeEncoder.PartName(part));
                                foreach (var v in values) w.WriteNumberValue(v);
                                w.WriteEndArray();
                            }
                            w.WriteEndObject();
                        }
                        break;
                    case TextEncoder t:
                        w.WriteStartArray("terms");
                        foreach (var v in t.Terms) w.WriteStringValue(v);
                        w.WriteEndArray();
                        Numbers(w, "idf", t.Idf);
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("features");
            foreach (var f in FeatureNames) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStartArray("categorical_features");
            foreach (var i in CategoricalFeatures) w.WriteNumberValue(i);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Numbers(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>Reads <see cref="ToJson"/>'s form; anything inconsistent (an unknown format, kind or part, features that do not match the columns) is refused.</summary>
    public static EncoderSet FromJson(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new FormatException($"{FileName} is not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{FileName} is a JSON object, got {root.ValueKind}.");
            var format = Str(root, "format");
            if (format != Format) throw new FormatException($"{FileName} has the format '{format}'; this Lepton reads '{Format}'. Re-fit the encoders, or use the Lepton that wrote them.");
            var mode = Str(root, "mode") switch
            {
                "trees" => EncoderMode.Trees,
                "linear" => EncoderMode.Linear,
                var m => throw new FormatException($"{FileName} has the mode '{m}'; expected trees or linear."),
            };
            var encoders = new List<ColumnEncoder>();
            foreach (var c in Prop(root, "columns").EnumerateArray())
            {
                string column = Str(c, "column");
                var kind = ColumnKinds.Parse(Str(c, "kind"), column);
                bool indicator = c.TryGetProperty("missing_indicator", out var mi) && mi.ValueKind == JsonValueKind.True;
                try
                {
                    encoders.Add(kind switch
                    {
                        ColumnKind.Numeric or ColumnKind.Boolean => new NumericEncoder(column, kind, mode, indicator,
                            Prop(c, "median").GetDouble(), Prop(c, "mean").GetDouble(), Prop(c, "std").GetDouble()),
                        ColumnKind.Categorical => new CategoricalEncoder(column, mode, indicator,
                            [.. Prop(c, "categories").EnumerateArray().Select(v => v.GetString() ?? throw new FormatException($"Column '{column}' has a null category."))]),
                        ColumnKind.DateTime => new DateTimeEncoder(column, mode, indicator,
                            [.. Prop(c, "parts").EnumerateArray().Select(v => DateTimeEncoder.ParsePart(v.GetString() ?? ""))],
                            Doubles(c, "median"), Doubles(c, "mean"), Doubles(c, "std"), Indicators(c)),
                        ColumnKind.Text => new TextEncoder(column, mode, indicator,
                            [.. Prop(c, "terms").EnumerateArray().Select(v => v.GetString() ?? throw new FormatException($"Column '{column}' has a null term."))],
                            Doubles(c, "idf")),
                        _ => throw new FormatException($"{FileName}: column '{column}' has the kind {ColumnKinds.Name(kind)}, which no encoder takes."),
                    });
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    throw new FormatException($"{FileName}: column '{column}' is inconsistent: {e.Message}", e);
                }
            }
            EncoderSet set;
            try { set = new EncoderSet(mode, encoders); }
            catch (ArgumentException e) { throw new FormatException($"{FileName} is inconsistent: {e.Message}", e); }
            if (root.TryGetProperty("features", out var features))
            {
                var listed = features.EnumerateArray().Select(f => f.GetString()).ToList();
                if (!listed.SequenceEqual(set.FeatureNames))
                    throw new FormatException($"{FileName} lists {listed.Count} features that do not match its {set.FeatureNames.Count} encoded columns; the file was edited or damaged. Re-fit the encoders.");
            }
            return set;
        }
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Loads an encoders.json (at most 64 MiB).</summary>
    public static EncoderSet Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path} does not exist; a tabular model keeps its encoders in {FileName}.", path);
        if (info.Length > 64L << 20) throw new FormatException($"{path} is {info.Length:N0} bytes; an {FileName} is at most 64 MiB.");
        return FromJson(File.ReadAllText(path));
    }

    private static JsonElement Prop(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v : throw new FormatException($"{FileName}: an object lacks \"{name}\".");

    private static string Str(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.String } v
        ? v.GetString()! : throw new FormatException($"{FileName}: \"{name}\" must be a string.");

    // A date-time's cyclic parts spread over indicators (linear encodings since they were added; older files have none).
    private static Dictionary<DatePart, IReadOnlyList<int>>? Indicators(JsonElement e)
    {
        if (!e.TryGetProperty("indicators", out var o) || o.ValueKind == JsonValueKind.Null) return null;
        if (o.ValueKind != JsonValueKind.Object) throw new FormatException("'indicators' must map date parts to lists of values.");
        return o.EnumerateObject().ToDictionary(p => DateTimeEncoder.ParsePart(p.Name),
            p => (IReadOnlyList<int>)[.. p.Value.EnumerateArray().Select(v => v.TryGetInt32(out int i) ? i : throw new FormatException($"'indicators.{p.Name}' holds {v}; give whole numbers."))]);
    }

    private static double[] Doubles(JsonElement e, string name) => [.. Prop(e, name).EnumerateArray().Select(v => v.GetDouble())];
}
