using Lepton.Runtime;
using Lepton.Runtime.Conformal;
using Lepton.Serving.Protocol;

namespace Lepton.Serving.Outputs;

/// <summary>
/// Class logits (N, classes) answered as logits, softmax probabilities and the top label (<see cref="ClassifierOutputs"/>), and each
/// row's prediction set when the model has conformal <paramref name="intervals"/>.
/// </summary>
public sealed class ClassifierInterpreter(PredictorSignature signature, ConformalIntervals? intervals = null) : IOutputInterpreter
{
    private readonly IReadOnlyList<string> _classNames = signature.ClassNames;

    public IReadOnlyList<OutputDescription> Outputs { get; } =
    [
        new(OutputNames.Logits, "FP32", [-1, signature.ClassNames.Count > 0 ? signature.ClassNames.Count : -1]),
        new(OutputNames.Probabilities, "FP32", [-1, signature.ClassNames.Count > 0 ? signature.ClassNames.Count : -1]),
        new(OutputNames.Label, "BYTES", [-1]),
        .. ConformalAnswers.Describe(intervals),
    ];

    public ServedOutputs Interpret(TensorSet outputs, int rows) => new ClassifierOutputs(outputs[0].Contiguous().ToArray(), rows, _classNames) { Intervals = intervals };
}
