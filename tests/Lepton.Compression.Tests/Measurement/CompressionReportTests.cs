using Lepton.Compression.Distillation;
using Lepton.Compression.Measurement;
using Lepton.Compression.Tests.Support;

namespace Lepton.Compression.Tests.Measurement;

public sealed class CompressionReportTests
{
    private static ModelMeasurement Measured(double accuracy, long parameters, double ms) => new(accuracy, parameters, parameters, new InferenceSpeed(256, ms, 256 / (ms / 1000)));

    [Fact]
    public void Ratios_SourceAndResult_SpeedupParameterShareAndPoints()
    {
        var report = new CompressionReport("structured-channel-pruning", ["a@1"], "fashion-mnist@1", Measured(0.91, 400, 20), Measured(0.905, 100, 8));

        Assert.Equal(2.5, report.Speedup, 12);
        Assert.Equal(0.25, report.ParameterRatio, 12);
        Assert.Equal(-0.5, report.AccuracyChangePoints, 9);
        Assert.Equal(2.5, report.Metrics()["speedup"], 12);
        Assert.Equal(0.905, (double)report.ToJson()["after"]!["test_accuracy"]!, 12);
    }

    [Fact]
    public void OfDistillation_Ensemble_SumsTeachersAndTakesEnsembleAccuracy()
    {
        var outcome = new DistillOutcome("dir", "preset 'mlp'",
            [new TeacherMeasurement("a@1", Measured(0.90, 300, 10)), new TeacherMeasurement("b@1", Measured(0.88, 200, 6))], 0.92, Measured(0.91, 50, 2), []);

        var report = CompressionReport.Of(outcome, "shapes@1");

        Assert.Equal(0.92, report.Before.Accuracy);
        Assert.Equal(500, report.Before.Parameters);
        Assert.Equal(16, report.Before.Speed.MillisecondsPerBatch, 12);
        Assert.Equal(["a@1", "b@1"], report.Sources);
        Assert.Equal(0.1, report.ParameterRatio, 12);
    }

    [Theory]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    public void Median_OddAndEvenCounts_MiddleValue(double[] values, double expected) => Assert.Equal(expected, InferenceTiming.Median(values));

    [Fact]
    public void Compare_TwoModels_OneSpeedEachAtTheBatchSize()
    {
        var speeds = InferenceTiming.Compare([TestModels.Preset("cnn", 8), TestModels.Preset("mlp", 8)], [[-1, 1, 8, 8], [-1, 1, 8, 8]], batchSize: 4, repeats: 3);

        Assert.Equal(2, speeds.Count);
        Assert.All(speeds, s => Assert.True(s.BatchSize == 4 && s.MillisecondsPerBatch > 0 && Math.Abs(s.ImagesPerSecond - 4000 / s.MillisecondsPerBatch) < 1e-6 * s.ImagesPerSecond));
    }
}
