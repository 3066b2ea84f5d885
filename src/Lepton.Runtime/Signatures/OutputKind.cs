namespace Lepton.Runtime;

/// <summary>
/// What a predictor's outputs mean, which decides how a server or <c>predict</c> turns them into answers. New tasks
/// (binary, multi-label, regression) add a member here and one output interpreter in the server.
/// </summary>
public enum OutputKind
{
    /// <summary>One output of class logits (N, classes): answered as labels with softmax probabilities.</summary>
    ClassLogits,

    /// <summary>Any outputs, answered as the tensors they are.</summary>
    Tensors,
}
