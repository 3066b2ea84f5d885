using Lepton.Engine;

namespace Lepton.Runtime;

/// <summary>
/// A loaded model ready to predict, whatever its kind (Lepton network, gradient-boosted trees, ONNX): its signature, the
/// preprocessing stored with it, a warm-up, and a batched <see cref="Predict"/>. Servers, <c>predict</c> and monitoring talk to this.
/// </summary>
public interface IPredictor : IDisposable
{
    /// <summary>The kind that loaded it (<c>lepton</c>, ...), as servers report it in model metadata.</summary>
    string Kind { get; }

    PredictorSignature Signature { get; }

    /// <summary>
    /// Turns raw client values of input <paramref name="input"/> (its position in the signature) into what <see cref="Predict"/>
    /// takes, replaying the preprocessing stored with the model; returns <paramref name="raw"/> itself when there is none.
    /// </summary>
    Tensor Preprocess(int input, Tensor raw);

    /// <summary>
    /// One (N, ...) tensor per signature input, in signature order and already preprocessed, to one (N, ...) tensor per output.
    /// Called from one thread at a time; never records an autograd graph.
    /// </summary>
    TensorSet Predict(TensorSet inputs);

    /// <summary>
    /// Runs a batch of <paramref name="rows"/> plain examples (<see cref="PredictorWarmUp"/>) so the first request finds code compiled and weights packed, and
    /// checks the outputs against the signature; throws <see cref="InvalidDataException"/> naming what is wrong.
    /// </summary>
    void WarmUp(int rows) => PredictorWarmUp.Run(this, rows);
}
