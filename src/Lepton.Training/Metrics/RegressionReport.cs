using System.Globalization;
using System.Text;
using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>MAE, RMSE and R² of one target of a regressor.</summary>
public sealed record TargetMetrics(string Name, double Mae, double Rmse, double R2);

/// <summary>Evaluation of a regressor: MAE, RMSE and R² per target and their means over targets (scikit-learn's uniform average).</summary>
public sealed record RegressionReport(int Count, IReadOnlyList<TargetMetrics> Targets, double Mae, double Rmse, double R2, double? Loss) : ITaskReport
{
    public TaskKind Kind => TaskKind.Regression;

    public IReadOnlyDictionary<string, double> Metrics
    {
        get
        {
            var m = new Dictionary<string, double> { ["mae"] = Mae, ["rmse"] = Rmse, ["r2"] = R2 };
            if (Targets.Count > 1)
                foreach (var t in Targets)
                {
                    m[$"mae_{t.Name}"] = t.Mae;
                    m[$"rmse_{t.Name}"] = t.Rmse;
                    m[$"r2_{t.Name}"] = t.R2;
                }
            if (Loss is { } loss) m["loss"] = loss;
            return m;
        }
    }

    /// <summary>A report from predictions and targets (N*k, row-major).</summary>
    public static RegressionReport FromValues(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual, int width,
        IReadOnlyList<string>? targetNames = null, double? loss = null)
    {
        if (width < 1 || predicted.Length != actual.Length || predicted.Length % width != 0 || predicted.Length == 0)
            throw new ArgumentException($"RegressionReport: expected predictions and targets of N x {width} (N >= 1), got {predicted.Length} and {actual.Length} values.");
        int n = predicted.Length / width;
        var sums = new RegressionAccumulator("RegressionReport");
        sums.Update(Lepton.Engine.Tensor.FromArray(predicted.ToArray(), n, width), Lepton.Engine.Tensor.FromArray(actual.ToArray(), n, width));
        var targets = new TargetMetrics[width];
        for (int j = 0; j < width; j++)
        {
            string name = targetNames is not null && j < targetNames.Count ? targetNames[j]
                : width == 1 ? "value" : "value_" + j.ToString(CultureInfo.InvariantCulture);
            targets[j] = new TargetMetrics(name, sums.Mae(j), sums.Rmse(j), sums.R2(j));
        }
        return new RegressionReport(n, targets, sums.Mean(sums.Mae), sums.Mean(sums.Rmse), sums.Mean(sums.R2), loss);
    }

    public string ToText()
    {
        var ci = CultureInfo.InvariantCulture;
        int nameWidth = Math.Max(12, Targets.Max(t => t.Name.Length));
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"regression ({Count} examples, {Targets.Count} target{(Targets.Count == 1 ? "" : "s")})").AppendLine();
        sb.Append(' ', nameWidth).AppendLine("        mae       rmse         r2").AppendLine();
        void Row(string name, double mae, double rmse, double r2) =>
            sb.Append(name.PadLeft(nameWidth)).AppendLine(string.Format(ci, "{0,11:G5}{1,11:G5}{2,11:F4}", mae, rmse, r2));
        foreach (var t in Targets) Row(t.Name, t.Mae, t.Rmse, t.R2);
        if (Targets.Count > 1)
        {
            sb.AppendLine();
            Row("mean", Mae, Rmse, R2);
        }
        if (Loss is { } loss) sb.AppendLine().Append("loss".PadLeft(nameWidth)).AppendLine(string.Format(ci, "{0,11:G5}", loss));
        return sb.ToString();
    }
}
