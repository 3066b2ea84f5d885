using Lepton.Data;
using Lepton.NN.Losses;
using Lepton.Runtime;
using Lepton.Training.Metrics;

namespace Lepton.Training.Workflows;

/// <summary>Evaluation of a saved model against labels: the runtime predicts, training owns the metrics.</summary>
public static class ModelEvaluation
{
    /// <summary>Accuracy, per-class metrics and confusion matrix on a labelled data set whose inputs are raw values.</summary>
    public static ClassificationReport Evaluate(this ModelPredictor predictor, InMemoryDataset rawData, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(rawData);
        var logits = predictor.Logits(rawData.Inputs, preprocess: true, batchSize);
        var loss = CrossEntropyLoss.Apply(logits, rawData.Targets).Item();
        var names = predictor.Model.Spec.ClassNames.Count > 0 ? predictor.Model.Spec.ClassNames : rawData.ClassNames;
        return ClassificationReport.FromLogits(logits, rawData.Targets, names, loss);
    }
}
