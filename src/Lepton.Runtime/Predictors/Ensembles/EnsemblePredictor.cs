using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Ensembles;

/// <summary>
/// Several loaded models answering as one: each batch is fanned out to every member (each with its own preprocessing) and their
/// outputs combined by the vote (<see cref="EnsembleCombiner"/>). Members must share the input signature. Owns its members.
/// </summary>
public sealed class EnsemblePredictor : IPredictor
{
    private readonly IPredictor[] _members;
    private readonly double[] _thresholds;

    /// <summary>Combines <paramref name="members"/> (named by <paramref name="names"/> in errors); throws <see cref="ArgumentException"/> when they cannot be.</summary>
    public EnsemblePredictor(EnsembleVote vote, IReadOnlyList<IPredictor> members, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(names);
        Signature = EnsembleSignatures.Combine(vote, [.. members.Select(m => m.Signature)], names);
        Vote = vote;
        _members = [.. members];
        _thresholds = [.. members.Select(m => m.Signature.Task?.Threshold ?? 0.5)];
        MemberNames = [.. names];
    }

    public const string KindName = "ensemble";

    public string Kind => KindName;

    public PredictorSignature Signature { get; }

    public EnsembleVote Vote { get; }

    public IReadOnlyList<IPredictor> Members => _members;

    public IReadOnlyList<string> MemberNames { get; }

    /// <summary>Raw values pass through: members may normalize differently, so each member preprocesses in <see cref="Predict"/>.</summary>
    public Tensor Preprocess(int input, Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (input < 0 || input >= Signature.Inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(input), $"The ensemble has {Signature.Inputs.Count} input(s); got input index {input}.");
        return raw;
    }

    public TensorSet Predict(TensorSet inputs)
    {
        if (inputs.Count != Signature.Inputs.Count)
            throw new ArgumentException(
                $"The ensemble takes {Signature.Inputs.Count} input(s) ({string.Join(", ", Signature.Inputs.Select(i => i.Name))}), got {inputs.Count}.", nameof(inputs));
        // Members run one after another: each already spreads its kernels over the cores.
        var outputs = new TensorSet[_members.Length];
        for (int m = 0; m < _members.Length; m++) outputs[m] = _members[m].Predict(MemberInputs(_members[m], inputs));
        var combined = new Tensor[Signature.Outputs.Count];
        for (int o = 0; o < combined.Length; o++)
        {
            var each = outputs.Select(s => s[o]).ToList();
            combined[o] = (Vote, Signature.Kind) switch
            {
                (EnsembleVote.Soft, OutputKind.ClassLogits) => EnsembleCombiner.SoftClasses(each),
                (EnsembleVote.Hard, OutputKind.ClassLogits) => EnsembleCombiner.HardClasses(each),
                (EnsembleVote.Soft, _) => EnsembleCombiner.SoftSigmoid(each),
                (EnsembleVote.Hard, _) => EnsembleCombiner.HardSigmoid(each, _thresholds),
                _ => EnsembleCombiner.Mean(each),
            };
        }
        return new TensorSet(combined);
    }

    // The member's own preprocessing, then its declared dtype, as offline prediction does for a single model.
    private static TensorSet MemberInputs(IPredictor member, TensorSet raw)
    {
        var x = new Tensor[raw.Count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = member.Preprocess(i, raw[i]);
            var dtype = member.Signature.Inputs[i].DType;
            if (x[i].DType != dtype) x[i] = x[i].To(dtype);
        }
        return new TensorSet(x);
    }

    public void Dispose()
    {
        foreach (var m in _members) m.Dispose();
    }
}
