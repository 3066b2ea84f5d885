namespace Lepton.Reports.Evaluation;

/// <summary>
/// One model's answers on a <see cref="ReportData"/>: per example the class probabilities (N*K, row-major, softmax of the
/// logits), the predicted class (argmax, ties to the lowest id; a yes/no model's from its <see cref="Threshold"/>), the true
/// class in the model's class order, and the cross-entropy loss.
/// </summary>
public sealed class ModelScores
{
    public ModelScores(string model, IReadOnlyList<string> classNames, double[] probabilities, int[] predicted, int[] labels, double[] losses)
    {
        int n = labels.Length, k = classNames.Count;
        if (probabilities.Length != n * k || predicted.Length != n || losses.Length != n)
            throw new ArgumentException($"ModelScores: {probabilities.Length} probabilities, {predicted.Length} predictions and {losses.Length} losses for {n} examples of {k} classes.");
        Model = model;
        ClassNames = classNames;
        Probabilities = probabilities;
        Predicted = predicted;
        Labels = labels;
        Losses = losses;
    }

    /// <summary>The model as people name it (<c>shapes@2</c>, a folder).</summary>
    public string Model { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public int Classes => ClassNames.Count;

    public int Count => Labels.Length;

    public double[] Probabilities { get; }

    public int[] Predicted { get; }

    public int[] Labels { get; }

    public double[] Losses { get; }

    /// <summary>A yes/no model's decision threshold on the second class's probability; null for other models.</summary>
    public double? Threshold { get; init; }

    /// <summary>The predicted class's probability of example <paramref name="i"/>.</summary>
    public double Confidence(int i) => Probabilities[i * Classes + Predicted[i]];

    public bool IsCorrect(int i) => Predicted[i] == Labels[i];

    /// <summary>These scores restricted to <paramref name="indices"/>, in that order.</summary>
    public ModelScores Subset(IReadOnlyList<int> indices)
    {
        int k = Classes;
        var probabilities = new double[indices.Count * k];
        var predicted = new int[indices.Count];
        var labels = new int[indices.Count];
        var losses = new double[indices.Count];
        for (int j = 0; j < indices.Count; j++)
        {
            int i = indices[j];
            Array.Copy(Probabilities, i * k, probabilities, j * k, k);
            predicted[j] = Predicted[i];
            labels[j] = Labels[i];
            losses[j] = Losses[i];
        }
        return new ModelScores(Model, ClassNames, probabilities, predicted, labels, losses) { Threshold = Threshold };
    }
}
