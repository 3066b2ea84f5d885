namespace Lepton.Runtime;

/// <summary>
/// What a predictor's outputs mean, which decides how a server or <c>predict</c> turns them into answers; each member has
/// one output interpreter in the server.
/// </summary>
public enum OutputKind
{
    /// <summary>One output of class logits (N, classes): answered as labels with softmax probabilities.</summary>
    ClassLogits,

    /// <summary>Any outputs, answered as the tensors they are.</summary>
    Tensors,

    /// <summary>
    /// One output decoded by the model's task (<see cref="PredictorSignature.Task"/>: binary, multi-label or regression):
    /// a label with its probability, the labels over the threshold, or named values.
    /// </summary>
    TaskAnswers,
}
