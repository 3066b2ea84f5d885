namespace Lepton.NN.Tasks;

/// <summary>Numerically stable scores of logits, shared by answers (TaskOutputs) and metrics so both compute the same numbers.</summary>
public static class ScoreMath
{
    // Branching on the sign keeps exp's argument non-positive, so neither side overflows.
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Softmax of one row into <paramref name="destination"/> (after subtracting the maximum); returns log Σexp.</summary>
    public static double Softmax(ReadOnlySpan<float> row, Span<double> destination)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row) if (v > max) max = v;
        double sum = 0;
        for (int j = 0; j < row.Length; j++) sum += destination[j] = Math.Exp(row[j] - max);
        for (int j = 0; j < row.Length; j++) destination[j] /= sum;
        return max + Math.Log(sum);
    }
}
