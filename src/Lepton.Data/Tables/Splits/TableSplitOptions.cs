namespace Lepton.Data.Tables.Splits;

/// <summary>
/// How to split a table: fractions for test and validation (the rest is train), exact proportions per label
/// (<see cref="Stratify"/>), whole groups on one side (<see cref="GroupColumn"/>), time order (<see cref="TimeColumn"/>:
/// the latest rows are test), K folds over the non-test rows (<see cref="Folds"/> &gt;= 2) and the seed of the hash.
/// <see cref="Shuffle"/> splits by hash a table whose import named a time column (which otherwise orders its split).
/// </summary>
public sealed record TableSplitOptions(
    double Test = 0.2,
    double Validation = 0,
    bool Stratify = false,
    string? GroupColumn = null,
    string? TimeColumn = null,
    int Folds = 0,
    int Seed = 0,
    bool Shuffle = false);
