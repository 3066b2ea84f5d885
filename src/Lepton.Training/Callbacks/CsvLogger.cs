using System.Globalization;

namespace Lepton.Training.Callbacks;

/// <summary>
/// Appends one CSV row per epoch (epoch, loss, accuracy, val_loss, val_accuracy, lr, seconds, samples_per_second), then one
/// column per further metric of the task (e.g. f1, roc_auc, val_f1, val_roc_auc).
/// </summary>
public sealed class CsvLogger(string path, bool append = false) : ICallback
{
    public const string Header = "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second";

    public string Path { get; } = System.IO.Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));

    private IReadOnlyList<string> _extra = [];

    public void OnTrainBegin(TrainContext context)
    {
        _extra = context.MetricNames;
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        if (!append || !File.Exists(Path) || new FileInfo(Path).Length == 0)
            File.WriteAllText(Path, Header + string.Concat(_extra.Select(n => "," + n)) + "\n");
    }

    public void OnEpochEnd(TrainContext context, EpochRecord r)
    {
        var ci = CultureInfo.InvariantCulture;
        string F(double? v) => v is { } x ? x.ToString("R", ci) : "";
        File.AppendAllText(Path, string.Join(',',
            r.Epoch.ToString(ci), F(r.TrainLoss), F(r.TrainAccuracy), F(r.ValidationLoss), F(r.ValidationAccuracy),
            F(r.LearningRate), F(r.Duration.TotalSeconds), F(r.SamplesPerSecond))
            + string.Concat(_extra.Select(n => "," + F(r.Metrics.TryGetValue(n, out var v) ? v : null))) + "\n");
    }
}
