using Lepton.Runtime;

namespace Lepton.Serving.Outputs;

/// <summary>Chooses how a served version's outputs become answers, from what its signature says they mean.</summary>
public static class OutputInterpreters
{
    /// <summary>
    /// Classifiers answer labels with probabilities; binary, multi-label and regression models their task's answers; other
    /// predictors their tensors as they are. Conformal <paramref name="intervals"/> (the folder's <c>intervals.json</c>) add each
    /// answer's interval or prediction set; a file that does not fit the model is refused.
    /// </summary>
    public static IOutputInterpreter For(PredictorSignature signature, Lepton.Runtime.Conformal.ConformalIntervals? intervals = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (intervals is not null && signature.Kind == OutputKind.Tensors)
            throw new InvalidDataException($"{Lepton.Runtime.Conformal.ConformalIntervals.FileName} gives intervals of a classifier's or regressor's answers, but this model answers raw tensors; delete the file.");
        if (intervals is not null && signature.Kind == OutputKind.ClassLogits) intervals.CheckFits(Lepton.NN.Serialization.TaskKind.Multiclass, signature.Outputs[0].ExampleShape[0]);
        return signature.Kind switch
        {
            OutputKind.ClassLogits => new ClassifierInterpreter(signature, intervals),
            OutputKind.Tensors => new TensorInterpreter(signature),
            OutputKind.TaskAnswers => new TaskInterpreter(signature, intervals),
            _ => throw new NotSupportedException($"The server has no answer format for output kind {signature.Kind}; add an IOutputInterpreter for it."),
        };
    }
}
