using Lepton.NN.Serialization;

namespace Lepton.Training.Metrics;

/// <summary>The evaluation of a model on a labelled set for its task: flat named metrics and a plain-text table.</summary>
public interface ITaskReport
{
    TaskKind Kind { get; }

    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Mean training loss over the set, when known.</summary>
    double? Loss { get; }

    /// <summary>The headline numbers by name (e.g. <c>accuracy</c>, <c>f1_macro</c>, <c>rmse</c>), for model.json and the registry.</summary>
    IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>A plain-text report for people, like scikit-learn's <c>classification_report</c>.</summary>
    string ToText();
}
