using System.Globalization;
using System.Text;

namespace Lepton.Training.Callbacks;

/// <summary>One-line summaries of epochs and batches shared by the progress display and plain logs.</summary>
public static class EpochLine
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>e.g. <c>epoch 2/5  loss 0.3120  acc 88.61%  val_loss 0.3391  val_acc 87.90%  lr 1.00e-03  12.4s  4,871 img/s</c>.</summary>
    public static string Format(EpochRecord r, int epochs)
    {
        var sb = new StringBuilder();
        sb.Append(Ci, $"epoch {r.Epoch}/{epochs}  loss {r.TrainLoss:F4}");
        if (r.TrainAccuracy is { } a) sb.Append(Ci, $"  acc {a * 100:F2}%");
        if (r.ValidationLoss is { } vl) sb.Append(Ci, $"  val_loss {vl:F4}");
        if (r.ValidationAccuracy is { } va) sb.Append(Ci, $"  val_acc {va * 100:F2}%");
        // Further metrics of the task, training values then validation values, in the order Fit measured them.
        foreach (var (name, value) in r.Metrics.OrderBy(kv => kv.Key.StartsWith("val_", StringComparison.Ordinal)))
            sb.Append(Ci, $"  {name} {value:F4}");
        sb.Append(Ci, $"  lr {r.LearningRate:0.00e+00}  {r.Duration.TotalSeconds:F1}s  {r.SamplesPerSecond:N0} img/s");
        return sb.ToString();
    }

    /// <summary>e.g. <c>epoch 2/5  batch 120/938  loss 0.3120  acc 88.61%  4,871 img/s</c>.</summary>
    public static string Format(BatchMetrics m, int epochs)
    {
        var sb = new StringBuilder();
        sb.Append(Ci, $"epoch {m.Epoch}/{epochs}  batch {m.Batch}/{m.BatchesPerEpoch}  loss {m.RunningLoss:F4}");
        if (m.RunningAccuracy is { } a) sb.Append(Ci, $"  acc {a * 100:F2}%");
        sb.Append(Ci, $"  {m.SamplesPerSecond:N0} img/s");
        return sb.ToString();
    }
}
