namespace Lepton.Reports.Evaluation;

/// <summary>One numeric statistic of every example (an image's brightness, a text's length), sliced by its quartiles.</summary>
public sealed record NumericStatistic(string Name, double[] Values, string Format = "0.#");

/// <summary>One categorical statistic of every example (a text's script, a row's group), one slice per key.</summary>
public sealed record CategoricalStatistic(string Name, string[] Keys);

/// <summary>
/// Per example statistics of the raw input that slices are cut by: numeric ones (images: mean pixel and pixel std in raw
/// 0..255 units; texts: length in characters and tokens) and categorical ones (a text's script, a row's group).
/// </summary>
public sealed record InputStatistics(int Count, IReadOnlyList<NumericStatistic> Numeric, IReadOnlyList<CategoricalStatistic> Categorical)
{
    /// <summary>The statistic named <paramref name="name"/>.</summary>
    public NumericStatistic this[string name] => Numeric.FirstOrDefault(s => s.Name == name)
        ?? throw new KeyNotFoundException($"No input statistic '{name}'; these examples have {string.Join(", ", Numeric.Select(s => s.Name))}.");
}
