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
        return Report(predictor.Logits(rawData.Inputs, preprocess: true, batchSize), rawData, predictor.Model.Spec.ClassNames);
    }

    /// <summary>The same report through any classifier <see cref="IPredictor"/> (a Lepton network, trees, an ONNX file).</summary>
    public static ClassificationReport Evaluate(this IPredictor predictor, InMemoryDataset rawData, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(rawData);
        return Report(predictor.Logits(rawData.Inputs, preprocess: true, batchSize), rawData, predictor.Signature.ClassNames);
    }

    /// <summary>The report of (N, K) <paramref name="logits"/> a classifier gave for <paramref name="rawData"/>'s examples.</summary>
    public static ClassificationReport Report(Engine.Tensor logits, InMemoryDataset rawData, IReadOnlyList<string> modelClassNames)
    {
        var loss = CrossEntropyLoss.Apply(logits, rawData.Targets).Item();
        var names = modelClassNames.Count > 0 ? modelClassNames : rawData.ClassNames;
        return ClassificationReport.FromLogits(logits, rawData.Targets, names, loss);
    }
}
