using Lepton.Runtime;

namespace Lepton.Serving.Outputs;

/// <summary>Chooses how a served version's outputs become answers, from what its signature says they mean.</summary>
public static class OutputInterpreters
{
    /// <summary>
    /// Classifiers answer labels with probabilities; binary, multi-label and regression models their task's answers; other
    /// predictors their tensors as they are.
    /// </summary>
    public static IOutputInterpreter For(PredictorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Kind switch
        {
            OutputKind.ClassLogits => new ClassifierInterpreter(signature),
            OutputKind.Tensors => new TensorInterpreter(signature),
            OutputKind.TaskAnswers => new TaskInterpreter(signature),
            _ => throw new NotSupportedException($"The server has no answer format for output kind {signature.Kind}; add an IOutputInterpreter for it."),
        };
    }
}
