namespace Lepton.Compression.Tuning.Space;

/// <summary>What values a search parameter takes: a real number, a whole number, or one of a list of choices.</summary>
public enum ParameterKind
{
    Float,
    Int,
    Categorical,
}
