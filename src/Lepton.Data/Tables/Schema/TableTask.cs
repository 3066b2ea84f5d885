namespace Lepton.Data.Tables.Schema;

/// <summary>What a table's label asks for.</summary>
public enum TableTask
{
    Classification,
    Regression,
}

/// <summary>The words of <see cref="TableTask"/>: "classification", "regression".</summary>
public static class TableTasks
{
    public static string Name(TableTask task) => task == TableTask.Classification ? "classification" : "regression";

    public static TableTask Parse(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "classification" or "classify" => TableTask.Classification,
        "regression" or "regress" => TableTask.Regression,
        _ => throw new FormatException($"The task '{word}' is not classification or regression."),
    };
}
