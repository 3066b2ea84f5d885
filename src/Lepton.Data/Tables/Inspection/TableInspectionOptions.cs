namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// Thresholds of a table inspection. Defaults aim at no false alarms on ordinary columns: a finding means something a
/// person should look at.
/// </summary>
/// <param name="MissingRate">A column with at least this share of missing values is reported.</param>
/// <param name="NearConstantShare">A column whose most common value holds at least this share of its values is near-constant.</param>
/// <param name="LeakageScore">Single-column accuracy (classification) or |correlation| / R² (regression) at which a column is a leakage suspect.</param>
/// <param name="OutlierIqr">Tukey fence multiplier: a value beyond Q1 - k·IQR or Q3 + k·IQR ...</param>
/// <param name="OutlierRobustZ">... and further than this many robust standard deviations (1.4826·MAD) from the median is an outlier.</param>
/// <param name="RareCategoryShare">A category with fewer than this share of a column's values (and fewer than <paramref name="RareCategoryCount"/>) is rare.</param>
/// <param name="RareCategoryCount">See <paramref name="RareCategoryShare"/>.</param>
/// <param name="ShiftPValue">A train/test difference with a p-value (KS or chi-square) below this ...</param>
/// <param name="ShiftPsi">... and a population stability index at least this is a distribution shift.</param>
/// <param name="MinRows">Statistical checks (outliers, leakage, shift) need at least this many values.</param>
/// <param name="MaxRowsPerFinding">Rows listed per finding (the count covers them all).</param>
/// <param name="MinorityClassShare">A classification label's rarest class under this share of the labelled rows is reported ...</param>
/// <param name="MinClassRows">... as is one with fewer rows than this (too few for every fold and split to hold some).</param>
/// <param name="GroupMinValues">A categorical column with at least this many values, nearly each on several rows, may key groups of rows.</param>
/// <param name="ProxyScore">
/// A column stands in for a sensitive one when, alone, it removes at least this share of the errors of guessing the sensitive column's
/// most common value (a category), or when |correlation| or η² with it reaches this (a number).
/// </param>
public sealed record TableInspectionOptions(
    double MissingRate = 0.2,
    double NearConstantShare = 0.99,
    double LeakageScore = 0.98,
    double OutlierIqr = 3.0,
    double OutlierRobustZ = 5.0,
    double RareCategoryShare = 0.01,
    int RareCategoryCount = 5,
    double ShiftPValue = 1e-3,
    double ShiftPsi = 0.2,
    int MinRows = 20,
    int MaxRowsPerFinding = 1000,
    double MinorityClassShare = 0.05,
    int MinClassRows = 10,
    int GroupMinValues = 20,
    double ProxyScore = 0.5)
{
    /// <summary>Columns a model must not discriminate by (<c>lepton data inspect --sensitive home,age</c>): the others are checked for standing in for them.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];
}
