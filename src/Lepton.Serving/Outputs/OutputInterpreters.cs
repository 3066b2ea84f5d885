using Lepton.Runtime;

namespace Lepton.Serving.Outputs;

/// <summary>Chooses how a served version's outputs become answers, from what its signature says they mean.</summary>
public static class OutputInterpreters
{
    /// <summary>
    /// Classifiers answer labels with probabilities; other predictors answer their tensors as they are. A new task (binary,
    /// multi-label, regression) adds its <see cref="OutputKind"/> here with its own interpreter.
    /// </summary>
    public static IOutputInterpreter For(PredictorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Kind switch
        {
            OutputKind.ClassLogits => new ClassifierInterpreter(signature),
            OutputKind.Tensors => new TensorInterpreter(signature),
            _ => throw new NotSupportedException($"The server has no answer format for output kind {signature.Kind}; add an IOutputInterpreter for it."),
        };
    }
}
