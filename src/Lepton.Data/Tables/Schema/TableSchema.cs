using System.Text.Json;
using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Schema;

/// <summary>
/// A table's schema: the kind of each column, plus which column is the label (and whether predicting it is
/// classification or regression), which groups rows that must stay on one side of a split, and which orders rows in
/// time. Pinned by a user (in JSON or YAML, see <see cref="FromJson"/> and <see cref="FromYaml"/>), a schema wins over
/// inference: a pinned column's value that does not parse as its kind is an error naming the row and column. A pinned
/// schema may list only some columns; the others are inferred.
/// </summary>
public sealed record TableSchema(
    IReadOnlyList<ColumnSpec> Columns,
    string? LabelColumn = null,
    TableTask? Task = null,
    string? GroupColumn = null,
    string? TimeColumn = null)
{
    public const string Format = "lepton-table-schema/1";

    /// <summary>An empty schema: every column inferred, no label.</summary>
    public static TableSchema Empty { get; } = new([]);

    /// <summary>The pinned kind of <paramref name="column"/>, or null.</summary>
    public ColumnKind? KindOf(string column)
    {
        foreach (var c in Columns) if (c.Name == column) return c.Kind;
        return null;
    }

    /// <summary>The schema of <paramref name="table"/> as read: every column with its kind, these roles kept.</summary>
    public TableSchema WithColumnsOf(Table table) => this with { Columns = [.. table.Columns.Select(c => new ColumnSpec(c.Name, c.Kind))] };

    /// <summary>
    /// Columns a training run keeps out of the features though the data has them (<c>lepton train --exclude</c>: a sensitive
    /// column the model must not read but its groups are compared on); set for one run, not part of the stored schema.
    /// </summary>
    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>
    /// The columns a model learns from: every column but the label, the group column, identifier columns (an id
    /// predicts nothing new) and <see cref="Excluded"/> ones; free text is learned from through its words (<see cref="Encoding.TextEncoder"/>).
    /// </summary>
    public IReadOnlyList<string> FeatureColumns() =>
        [.. Columns.Where(c => c.Name != LabelColumn && c.Name != GroupColumn && c.Kind != ColumnKind.Identifier && !Excluded.Contains(c.Name)).Select(c => c.Name)];

    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteStartObject("columns");
            foreach (var c in Columns) w.WriteString(c.Name, ColumnKinds.Name(c.Kind));
            w.WriteEndObject();
            WriteOptional(w, "label_column", LabelColumn);
            WriteOptional(w, "task", Task is { } t ? TableTasks.Name(t) : null);
            WriteOptional(w, "group_column", GroupColumn);
            WriteOptional(w, "time_column", TimeColumn);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter w, string key, string? value)
    {
        if (value is null) w.WriteNull(key);
        else w.WriteString(key, value);
    }

    /// <summary>
    /// Reads a schema: <c>{"columns": {"age": "numeric", ...}, "label_column": "y", "task": "classification",
    /// "group_column": null, "time_column": null}</c> ("format" optional; an unknown key or kind is an error naming it).
    /// </summary>
    public static TableSchema FromJson(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new FormatException($"The table schema is not valid JSON: {e.Message}"); }
        using (doc) return FromElement(doc.RootElement);
    }

    /// <summary>Reads the same document written as YAML (<c>columns:</c> a mapping of name to kind, and the role keys).</summary>
    public static TableSchema FromYaml(string yaml) => FromJson(YamlToJson.Convert(yaml));

    /// <summary>Reads a schema file: .yaml/.yml as YAML, anything else as JSON.</summary>
    public static TableSchema Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Schema file {path} does not exist.", path);
        if (info.Length > 16 * 1024 * 1024) throw new FormatException($"Schema file {path} is {info.Length:N0} bytes; a schema is at most 16 MiB.");
        var text = File.ReadAllText(path);
        return path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? FromYaml(text) : FromJson(text);
    }

    public string ToYaml()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("format: ").Append(Format).Append('\n');
        sb.Append("columns:").Append(Columns.Count == 0 ? " {}\n" : "\n");
        // Names are written as JSON strings, which YAML reads as double-quoted scalars: any name survives.
        foreach (var c in Columns) sb.Append("  ").Append(JsonSerializer.Serialize(c.Name)).Append(": ").Append(ColumnKinds.Name(c.Kind)).Append('\n');
        sb.Append("label_column: ").Append(Scalar(LabelColumn)).Append('\n');
        sb.Append("task: ").Append(Task is { } t ? TableTasks.Name(t) : "null").Append('\n');
        sb.Append("group_column: ").Append(Scalar(GroupColumn)).Append('\n');
        sb.Append("time_column: ").Append(Scalar(TimeColumn)).Append('\n');
        return sb.ToString();
    }

    private static string Scalar(string? value) => value is null ? "null" : JsonSerializer.Serialize(value);

    private static TableSchema FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"A table schema is a JSON object, got {root.ValueKind}.");
        var columns = new List<ColumnSpec>();
        string? label = null, group = null, time = null;
        TableTask? task = null;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "format":
                    if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() != Format)
                        throw new FormatException($"The table schema's format is {p.Value}, expected \"{Format}\".");
                    break;
                case "columns":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new FormatException("The schema's \"columns\" is an object of column name to kind, e.g. {\"age\": \"numeric\"}.");
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var c in p.Value.EnumerateObject())
                    {
                        if (!seen.Add(c.Name)) throw new FormatException($"The schema lists column '{c.Name}' twice.");
                        if (c.Value.ValueKind != JsonValueKind.String) throw new FormatException($"Column '{c.Name}' has the kind {c.Value}; give one of {string.Join(", ", ColumnKinds.All.Select(ColumnKinds.Name))}.");
                        columns.Add(new ColumnSpec(c.Name, ColumnKinds.Parse(c.Value.GetString(), c.Name)));
                    }
                    break;
                case "label_column": label = OptionalString(p); break;
                case "group_column": group = OptionalString(p); break;
                case "time_column": time = OptionalString(p); break;
                case "task": task = OptionalString(p) is { } t ? TableTasks.Parse(t) : null; break;
                default:
                    throw new FormatException($"The table schema has an unknown key '{p.Name}'; the keys are format, columns, label_column, task, group_column, time_column.");
            }
        }
        return new TableSchema(columns, label, task, group, time);
    }

    private static string? OptionalString(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => p.Value.GetString() is { Length: > 0 } s ? s : null,
        _ => throw new FormatException($"The schema's \"{p.Name}\" is a column name (a string) or null, got {p.Value}."),
    };
}
