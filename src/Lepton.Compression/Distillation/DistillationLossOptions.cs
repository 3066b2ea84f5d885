namespace Lepton.Compression.Distillation;

/// <summary>
/// Options of <see cref="DistillationLoss"/>: the temperature T that softens both distributions and the weight
/// <paramref name="Alpha"/> of the soft (teacher) term against the hard-label cross-entropy (Hinton et al. 2015).
/// </summary>
public sealed record DistillationLossOptions(double Temperature = 4.0, double Alpha = 0.7)
{
    /// <summary>Throws naming the value received and the range it must lie in.</summary>
    public DistillationLossOptions Validate()
    {
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"Distillation: temperature must be a positive number (4 is usual), got {Temperature}.");
        if (!(Alpha >= 0 && Alpha <= 1))
            throw new ArgumentException($"Distillation: alpha (the weight of the teacher's soft targets) must be in [0, 1], got {Alpha}.");
        return this;
    }
}
