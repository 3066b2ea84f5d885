namespace Lepton.Data.Labeling;

/// <summary>
/// How unsure a classifier is about one example, in 0..1 (1 = no idea): the margin between its two most probable classes
/// (1 - (p1 - p2), as active-learning tools rank by smallest margin) or the normalised entropy of its probabilities.
/// </summary>
public static class LabelUncertainty
{
    /// <summary>1 - (p1 - p2) over the two largest probabilities; a single class gives 1 - p1; non-finite values count as 0.</summary>
    public static double Margin(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty) throw new ArgumentException("Uncertainty needs at least one class probability.", nameof(probabilities));
        double first = 0, second = 0;
        foreach (float raw in probabilities)
        {
            double p = float.IsFinite(raw) ? Math.Clamp(raw, 0, 1) : 0;
            if (p > first) (first, second) = (p, first);
            else if (p > second) second = p;
        }
        return Math.Clamp(1 - (first - second), 0, 1);
    }

    /// <summary>Shannon entropy of the probabilities (renormalised to sum 1) divided by log(classes); 0 for one class.</summary>
    public static double Entropy(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty) throw new ArgumentException("Uncertainty needs at least one class probability.", nameof(probabilities));
        if (probabilities.Length == 1) return 0;
        double sum = 0;
        foreach (float raw in probabilities) sum += float.IsFinite(raw) && raw > 0 ? raw : 0;
        if (sum <= 0) return 1;
        double h = 0;
        foreach (float raw in probabilities)
        {
            double p = (float.IsFinite(raw) && raw > 0 ? raw : 0) / sum;
            if (p > 0) h -= p * Math.Log(p);
        }
        return Math.Clamp(h / Math.Log(probabilities.Length), 0, 1);
    }
}
