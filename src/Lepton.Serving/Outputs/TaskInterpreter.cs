using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime;

namespace Lepton.Serving.Outputs;

/// <summary>
/// One output decoded by the model's task (<see cref="TaskAnswerOutputs"/>): a binary label with its probability, the labels of
/// a multi-label model over its threshold, or a regressor's named values. The decoder is built once per served version.
/// </summary>
public sealed class TaskInterpreter : IOutputInterpreter
{
    private readonly TaskOutputs _decoder;
    private readonly string _raw;
    private readonly Lepton.Runtime.Conformal.ConformalIntervals? _intervals;

    /// <summary>The interpreter of <paramref name="signature"/>'s task; <paramref name="intervals"/> adds a regressor's intervals or a yes/no model's sets.</summary>
    public TaskInterpreter(PredictorSignature signature, Lepton.Runtime.Conformal.ConformalIntervals? intervals = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var task = signature.Task ?? throw new ArgumentException("A task interpreter needs the signature's task.", nameof(signature));
        int width = signature.Outputs[0].ExampleShape[0];
        if (width < 1)
            throw new InvalidDataException($"The model's output '{signature.Outputs[0].Name}' has no fixed width; a {TaskSpec.NameOf(task.Kind)} model answers a fixed number of values per example.");
        _decoder = TaskOutputs.For(task, signature.ClassNames, width);
        _raw = signature.Outputs[0].Name;
        intervals?.CheckFits(task.Kind, width);
        _intervals = intervals;
        Outputs = [.. TaskAnswerOutputs.NamesOf(task.Kind, _raw).Select(n => Describe(n, task.Kind, width)), .. ConformalAnswers.Describe(intervals)];
    }

    public IReadOnlyList<OutputDescription> Outputs { get; }

    public ServedOutputs Interpret(TensorSet outputs, int rows) => new TaskAnswerOutputs(_decoder, _raw, outputs[0].Contiguous().ToArray(), rows, _intervals,
        _intervals is { NeedsBand: true } && outputs.Count > 1 ? outputs[^1].Contiguous().ToArray() : null);

    private OutputDescription Describe(string name, TaskKind kind, int width) => name switch
    {
        TaskAnswerOutputs.LabelName or TaskAnswerOutputs.LabelsName => new(name, "BYTES", [-1]),
        TaskAnswerOutputs.ProbabilityName => new(name, "FP32", [-1, 1]),
        _ => new(name, "FP32", [-1, width]),
    };
}
