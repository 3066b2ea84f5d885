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
    /// <summary>Accuracy and parameter counts of <paramref name="model"/> on <paramref name="test"/>, and the speed of the saved model folder <paramref name="folder"/> prepared for serving.</summary>
    public static ModelMeasurement Of(Module model, IDataset test, string folder, int timingBatch, int timingRepeats, CancellationToken ct = default)
    {
        var report = Evaluate(model, test);
        // The speed of what serving loads: the saved folder, prepared for inference (packed weights), not the training copy.
        var served = ModelFile.Load(folder);
        served.Model.PrepareForInference();
        var speed = InferenceTiming.Measure(served.Model, served.Spec.Input.Shape, timingBatch, timingRepeats, ct);
        return new ModelMeasurement(report.Accuracy, model.ParameterCount, NonZero(model), speed);
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
