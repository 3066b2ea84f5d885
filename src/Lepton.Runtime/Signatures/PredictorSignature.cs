using Lepton.NN.Serialization;

namespace Lepton.Runtime;

/// <summary>
/// What a predictor takes and gives: named inputs and outputs with dtype and example shape, what the outputs mean
/// (<see cref="OutputKind"/>), and the class names of a classifier. Servers and tools validate requests against it.
/// </summary>
public sealed record PredictorSignature
{
    public PredictorSignature(IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs, OutputKind kind,
        IReadOnlyList<string>? classNames = null, TaskSpec? task = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0) throw new ArgumentException("A predictor signature needs at least one input, got none.", nameof(inputs));
        if (outputs.Count == 0) throw new ArgumentException("A predictor signature needs at least one output, got none.", nameof(outputs));
        CheckUnique(inputs, "input");
        CheckUnique(outputs, "output");
        foreach (var input in inputs)
        {
            int variable = input.ExampleShape.Count(d => d == -1);
            if (variable > 1 || (variable == 1 && input.Padding is null))
                throw new ArgumentException(
                    $"Input '{input.Name}' has example shape [{string.Join(",", input.ExampleShape)}]; an input may vary along one axis, and that axis needs a PaddingRule so examples can share a batch.");
        }
        if (kind == OutputKind.ClassLogits && (outputs.Count != 1 || outputs[0].ExampleShape.Length != 1))
            throw new ArgumentException(
                $"A classifier signature has one output of logits with example shape [classes]; got {string.Join(", ", outputs.Select(o => $"'{o.Name}' [{string.Join(",", o.ExampleShape)}]"))}.");
        // A regressor with conformalized quantile intervals answers their band as a second output.
        bool band = task?.Kind == TaskKind.Regression && outputs.Count == 2 && outputs[1].Name == Conformal.IntervalBandPredictor.OutputName;
        if (kind == OutputKind.TaskAnswers && (task is null || task.Kind == TaskKind.Multiclass || (outputs.Count != 1 && !band) || outputs[0].ExampleShape.Length != 1))
            throw new ArgumentException(
                "A task signature has one output (N, k) and a binary, multi-label or regression task; multiclass classifiers use ClassLogits.");
        Inputs = inputs;
        Outputs = outputs;
        Kind = kind;
        ClassNames = classNames ?? [];
        Task = task;
    }

    /// <summary>The model's task (binary, multi-label, regression) when <see cref="Kind"/> is <see cref="OutputKind.TaskAnswers"/>.</summary>
    public TaskSpec? Task { get; }

    public IReadOnlyList<TensorSignature> Inputs { get; }

    public IReadOnlyList<TensorSignature> Outputs { get; }

    public OutputKind Kind { get; }

    /// <summary>Class names of a classifier, in logit order; empty when the model names none.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public bool IsClassifier => Kind == OutputKind.ClassLogits;

    /// <summary>The position of input <paramref name="name"/>, or -1.</summary>
    public int InputIndex(string name)
    {
        for (int i = 0; i < Inputs.Count; i++)
            if (Inputs[i].Name == name) return i;
        return -1;
    }

    private static void CheckUnique(IReadOnlyList<TensorSignature> tensors, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!seen.Add(t.Name)) throw new ArgumentException($"The signature names {what} '{t.Name}' twice; give each {what} its own name.");
    }
}
