namespace Lepton.Runtime;

/// <summary>One example's prediction: the top classes, the raw logits and the softmax probability of every class.</summary>
public sealed record Prediction(string Input, IReadOnlyList<(string Label, int Index, double Probability)> Top, float[] Logits, float[] Probabilities);
