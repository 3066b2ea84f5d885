using Lepton.NN.Serialization;

namespace Lepton.Runtime.Ensembles;

/// <summary>
/// Whether models can form an ensemble with a vote, and the ensemble's signature: the members' shared inputs, and their outputs
/// with what the vote makes of them. Refusals name the two members that differ and how.
/// </summary>
public static class EnsembleSignatures
{
    /// <summary>The ensemble's signature for members <paramref name="signatures"/> (named by <paramref name="names"/>); throws <see cref="ArgumentException"/> when they cannot be combined.</summary>
    public static PredictorSignature Combine(EnsembleVote vote, IReadOnlyList<PredictorSignature> signatures, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        ArgumentNullException.ThrowIfNull(names);
        if (signatures.Count < 2) throw new ArgumentException($"An ensemble needs at least 2 members, got {signatures.Count}.");
        if (names.Count != signatures.Count) throw new ArgumentException($"{signatures.Count} member signatures but {names.Count} names.", nameof(names));
        var first = signatures[0];
        for (int m = 1; m < signatures.Count; m++) CheckAlike(first, names[0], signatures[m], names[m]);
        CheckVote(vote, first, names[0]);
        // A hard vote on sigmoid outputs answers the share of members saying yes: 0.5 decodes it as the majority.
        var task = vote == EnsembleVote.Hard && first.Task is { } t ? t with { Threshold = 0.5 } : first.Task;
        return new PredictorSignature(first.Inputs, first.Outputs, first.Kind, first.ClassNames, task);
    }

    private static void CheckAlike(PredictorSignature a, string aName, PredictorSignature b, string bName)
    {
        if (a.Inputs.Count != b.Inputs.Count || a.Inputs.Zip(b.Inputs).Any(p => !SameInput(p.First, p.Second)))
            throw new ArgumentException(
                $"Ensemble members must share the input signature: {aName} takes {Describe(a.Inputs)} but {bName} takes {Describe(b.Inputs)}; " +
                "combine models trained on the same inputs.");
        if (a.Kind != b.Kind || a.Task?.Kind != b.Task?.Kind)
            throw new ArgumentException($"Ensemble members must answer the same task: {aName} gives {What(a)} but {bName} gives {What(b)}.");
        if (!a.ClassNames.SequenceEqual(b.ClassNames))
            throw new ArgumentException(
                $"Ensemble members must predict the same classes in the same order: {aName} has [{string.Join(", ", a.ClassNames)}] but {bName} has [{string.Join(", ", b.ClassNames)}].");
        if (a.Outputs.Count != b.Outputs.Count || a.Outputs.Zip(b.Outputs).Any(p => !p.First.ExampleShape.SequenceEqual(p.Second.ExampleShape)))
            throw new ArgumentException($"Ensemble members must return outputs of one shape: {aName} returns {Describe(a.Outputs)} but {bName} returns {Describe(b.Outputs)}.");
    }

    private static bool SameInput(TensorSignature a, TensorSignature b) =>
        a.Name == b.Name && a.DType == b.DType && a.ExampleShape.SequenceEqual(b.ExampleShape) && a.Padding == b.Padding && a.Image == b.Image;

    private static void CheckVote(EnsembleVote vote, PredictorSignature s, string name)
    {
        bool classes = s.Kind == OutputKind.ClassLogits;
        bool sigmoid = s.Kind == OutputKind.TaskAnswers && s.Task?.Kind is TaskKind.Binary or TaskKind.MultiLabel;
        bool values = s.Kind == OutputKind.Tensors || s.Task?.Kind == TaskKind.Regression;
        if ((vote is EnsembleVote.Soft or EnsembleVote.Hard) && !(classes || sigmoid))
            throw new ArgumentException($"--vote {EnsembleVotes.NameOf(vote)} combines classifiers, but {name} gives {What(s)}; use --vote mean to average values.");
        if (vote == EnsembleVote.Mean && !values)
            throw new ArgumentException($"--vote mean averages regression values and tensors, but {name} gives {What(s)}; use --vote soft or hard for classifiers.");
        if (vote != EnsembleVote.Mean && s.Outputs.Count != 1)
            throw new ArgumentException($"A vote combines one output per member, but {name} returns {s.Outputs.Count}.");
    }

    private static string What(PredictorSignature s) => s.Kind switch
    {
        OutputKind.ClassLogits => "class logits",
        OutputKind.TaskAnswers => $"{TaskSpec.NameOf(s.Task!.Kind)} answers",
        _ => "plain tensors",
    };

    private static string Describe(IReadOnlyList<TensorSignature> tensors) =>
        string.Join(", ", tensors.Select(t => $"{t.Name} {t.DType.ToString().ToLowerInvariant()} [{string.Join(",", t.ExampleShape)}]"));
}
