using Lepton.Engine;

namespace Lepton.Training.Metrics;

/// <summary>Top-1 accuracy accumulated over batches of logits (N,C) and class ids (N).</summary>
public sealed class RunningAccuracy
{
    public long Correct { get; private set; }

    public long Total { get; private set; }

    /// <summary>Correct / Total, or NaN before the first update.</summary>
    public double Value => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Adds one batch; returns the number of correct predictions in it.</summary>
    public int Update(Tensor logits, Tensor targets)
    {
        int correct = CountCorrect(logits, targets);
        Correct += correct;
        Total += targets.Shape[0];
        return correct;
    }

    public void Update(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual)
    {
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"RunningAccuracy.Update: {predicted.Length} predictions for {actual.Length} labels.");
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == actual[i]) Correct++;
        Total += actual.Length;
    }

    public void Reset()
    {
        Correct = 0;
        Total = 0;
    }

    /// <summary>Number of rows of <paramref name="logits"/> (N,C) whose argmax equals the class id in <paramref name="targets"/> (N).</summary>
    public static int CountCorrect(Tensor logits, Tensor targets)
    {
        if (logits.Rank != 2 || targets.Rank != 1 || logits.Shape[0] != targets.Shape[0])
            throw new ArgumentException($"Accuracy expects logits (N,C) and class ids (N), got {logits.Shape} and {targets.Shape}.");
        var pred = Predictions(logits);
        var actual = targets.ToIntArray();
        int correct = 0;
        for (int i = 0; i < pred.Length; i++) if (pred[i] == actual[i]) correct++;
        return correct;
    }

    /// <summary>The argmax class of each row of logits (N,C); ties go to the lowest class id.</summary>
    public static int[] Predictions(Tensor logits)
    {
        if (logits.Rank != 2) throw new ArgumentException($"Predictions expects logits (N,C), got {logits.Shape}.");
        int n = logits.Shape[0], c = logits.Shape[1];
        var v = logits.ToDoubleArray();
        var pred = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bv = v[i * c];
            for (int j = 1; j < c; j++)
                if (v[i * c + j] > bv) { bv = v[i * c + j]; best = j; }
            pred[i] = best;
        }
        return pred;
    }
}
