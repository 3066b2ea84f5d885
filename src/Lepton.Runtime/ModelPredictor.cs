using Lepton.Data;
using Lepton.Data.Inputs;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime;

/// <summary>
/// Runs a saved Lepton network on raw inputs offline (evaluation, the loop): applies the model's preprocessing, then batched
/// inference without autograd, leaving the network trainable (the loop fine-tunes it). Evaluation against labels lives in
/// Lepton.Training (<c>ModelEvaluation.Evaluate</c>); prediction of any model kind goes through <see cref="IPredictor"/>
/// (<see cref="ClassifierPredictions"/>).
/// </summary>
public sealed class ModelPredictor
{
    public ModelPredictor(LoadedModel model)
    {
        Model = model;
        var pre = model.Spec.Preprocessing;
        Preprocessing = pre is null
            ? Preprocessing.Identity
            : new Preprocessing((float)pre.Scale, (pre.Mean ?? []).Select(v => (float)v).ToArray(), (pre.Std ?? []).Select(v => (float)v).ToArray());
        var dims = model.Spec.Input.Shape;
        if (dims.Length == 0 || dims[0] != -1)
            throw new InvalidDataException($"model.json input.shape must start with -1 for the batch dimension, got [{string.Join(",", dims)}].");
        ExampleShape = new Shape(dims[1..]);
    }

    public LoadedModel Model { get; }

    public Preprocessing Preprocessing { get; }

    /// <summary>Shape of one input example, e.g. (1,28,28).</summary>
    public Shape ExampleShape { get; }

    /// <summary>Logits (N, classes) for raw inputs (N, ...); with <paramref name="preprocess"/> false the inputs are used as they are.</summary>
    public Tensor Logits(Tensor raw, bool preprocess = true, int batchSize = 256)
    {
        if (raw.Rank != ExampleShape.Rank + 1 || !raw.Shape.Dims[1..].SequenceEqual(ExampleShape.Dims))
            throw new ArgumentException($"The model expects inputs (N,{string.Join(",", ExampleShape.ToArray())}), got {raw.Shape}.");
        var x = preprocess ? Preprocessing.Apply(raw) : raw.To(DType.Float32);
        return Inference.Forward(Model.Model, x, batchSize);
    }

    /// <summary>Top-k classes with softmax probabilities for each example.</summary>
    public IReadOnlyList<Prediction> Predict(InputBatch inputs, int top = 3, bool preprocess = true) =>
        TopClasses.FromLogits(Logits(inputs.Raw, preprocess), inputs.Names, Model.Spec.ClassNames, top);
}
