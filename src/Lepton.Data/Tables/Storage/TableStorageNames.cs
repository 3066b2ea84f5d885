namespace Lepton.Data.Tables;

/// <summary>
/// Column names Lepton adds to a stored table (the row number, split and fold); user columns may not start with
/// <see cref="Prefix"/>.
/// </summary>
public static class TableStorageNames
{
    public const string Prefix = "_lepton_";
    public const string Row = "_lepton_row";
    public const string Split = "_lepton_split";
    public const string Fold = "_lepton_fold";
}
