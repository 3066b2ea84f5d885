using Lepton.Data;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Training;
using Lepton.Training.Metrics;
using Lepton.Training.Optimizers;
using Lepton.Training.Tasks;

namespace Lepton.Compression.Measurement;

/// <summary>A model as a compression step compares it: test accuracy, parameters (all and non-zero) and inference speed.</summary>
public sealed record ModelMeasurement(double Accuracy, long Parameters, long NonZeroParameters, InferenceSpeed Speed)
{
    /// <summary>
    /// The speed of what serving loads, for each saved model folder: the folder loaded fresh and prepared for inference (packed
    /// weights), not the training copy; the folders are timed in alternation.
    /// </summary>
    public static IReadOnlyList<InferenceSpeed> ServedSpeeds(IReadOnlyList<string> folders, int batchSize, int repeats, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var served = folders.Select(f => ModelFile.Load(f)).ToList();
        foreach (var s in served) s.Model.PrepareForInference();
        return InferenceTiming.Compare([.. served.Select(s => s.Model)], [.. served.Select(s => (IReadOnlyList<int>)s.Spec.Input.Shape)], batchSize, repeats, ct);
    }

    /// <summary>The multiclass report of <paramref name="model"/> on <paramref name="data"/> (eval mode), as <c>lepton train</c> reports it.</summary>
    public static ClassificationReport Evaluate(Module model, IDataset data)
    {
        // Evaluation never steps the optimizer; the trainer needs one all the same.
        var trainer = new Trainer(model, new Sgd(model.Parameters(), new SgdOptions(LearningRate: 0)), new MulticlassTask());
        return trainer.Evaluate(data);
    }

    /// <summary>Parameter elements that are not zero (what magnitude pruning reduces).</summary>
    public static long NonZero(Module model) => model.Parameters().Sum(p => (long)p.Value.ToDoubleArray().Count(v => v != 0));
}
