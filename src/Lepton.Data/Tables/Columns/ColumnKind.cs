namespace Lepton.Data.Tables.Columns;

/// <summary>What a table column holds, as inferred from its values or pinned by a schema.</summary>
public enum ColumnKind
{
    /// <summary>Numbers (double, NaN for missing).</summary>
    Numeric,

    /// <summary>A small set of repeated labels (strings).</summary>
    Categorical,

    /// <summary>true/false (yes/no).</summary>
    Boolean,

    /// <summary>Points in time (UTC).</summary>
    DateTime,

    /// <summary>Free text: long, mostly distinct strings of several words.</summary>
    Text,

    /// <summary>A different value in nearly every row (an id): never a feature.</summary>
    Identifier,
}

/// <summary>The stable lowercase words of <see cref="ColumnKind"/> used in schema files, JSON and the CLI.</summary>
public static class ColumnKinds
{
    public static IReadOnlyList<ColumnKind> All { get; } =
        [ColumnKind.Numeric, ColumnKind.Categorical, ColumnKind.Boolean, ColumnKind.DateTime, ColumnKind.Text, ColumnKind.Identifier];

    public static string Name(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "numeric",
        ColumnKind.Categorical => "categorical",
        ColumnKind.Boolean => "boolean",
        ColumnKind.DateTime => "datetime",
        ColumnKind.Text => "text",
        ColumnKind.Identifier => "identifier",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown column kind."),
    };

    /// <summary>Parses a kind word (case-insensitive; "date-time", "bool", "string", "id" are accepted too).</summary>
    public static ColumnKind Parse(string? word, string column) => word?.Trim().ToLowerInvariant() switch
    {
        "numeric" or "number" => ColumnKind.Numeric,
        "categorical" or "category" or "string" => ColumnKind.Categorical,
        "boolean" or "bool" => ColumnKind.Boolean,
        "datetime" or "date-time" or "date" or "timestamp" => ColumnKind.DateTime,
        "text" => ColumnKind.Text,
        "identifier" or "id" => ColumnKind.Identifier,
        _ => throw new FormatException(
            $"Column '{column}' has the kind '{word}'; expected one of {string.Join(", ", All.Select(Name))}."),
    };

    /// <summary>True for the kinds stored as strings (categorical, text, identifier).</summary>
    public static bool IsString(ColumnKind kind) => kind is ColumnKind.Categorical or ColumnKind.Text or ColumnKind.Identifier;
}
