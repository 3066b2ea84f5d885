using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Schema;

/// <summary>One column of a schema: its name and kind.</summary>
public sealed record ColumnSpec(string Name, ColumnKind Kind);
