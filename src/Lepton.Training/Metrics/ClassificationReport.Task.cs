using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

public sealed partial class ClassificationReport : ITaskReport
{
    public TaskKind Kind => TaskKind.Multiclass;

    /// <summary>accuracy, macro_f1, weighted_f1, roc_auc (when scores were given) and loss (when known).</summary>
    public IReadOnlyDictionary<string, double> Metrics
    {
        get
        {
            var m = new Dictionary<string, double>
            {
                ["accuracy"] = Accuracy,
                ["macro_f1"] = MacroAverage.F1,
                ["weighted_f1"] = WeightedAverage.F1,
            };
            if (RocAucMacro is { } auc) m["roc_auc"] = auc;
            if (Loss is { } loss) m["loss"] = loss;
            return m;
        }
    }

    string ITaskReport.ToText() => ToText(includeConfusionMatrix: true);
}
