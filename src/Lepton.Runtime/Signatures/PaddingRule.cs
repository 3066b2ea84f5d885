namespace Lepton.Runtime;

/// <summary>
/// How examples of different lengths share a batch: along <paramref name="Axis"/> (an example axis declared -1, 0 = the first
/// axis after the batch) every example is padded with <paramref name="Value"/> to the longest in the batch, e.g. token ids with 0.
/// </summary>
public sealed record PaddingRule(int Axis, double Value = 0);
