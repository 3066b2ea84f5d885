using Lepton.Engine;

namespace Lepton.NN.Planned;

/// <summary>
/// A layer with a planned (allocation-free) training form, which it builds itself, so a new layer joins planned steps with
/// one method instead of a case in <see cref="PlannedTrainingStep"/>. A layer may absorb the layers that follow it into one
/// planned op (ReLU then max pooling), as its forward fusions do.
/// </summary>
internal interface IPlannableLayer
{
    /// <summary>The planned form for inputs of <paramref name="input"/>; <paramref name="absorbed"/> says how many of <paramref name="next"/> it also runs.</summary>
    /// <summary>Why this layer cannot be planned as it stands (null: it can), e.g. a Linear carrying an adapter.</summary>
    string? PlanRefusal => null;

    PlannedLayer Plan(Shape input, IReadOnlyList<Module> next, out int absorbed);
}
