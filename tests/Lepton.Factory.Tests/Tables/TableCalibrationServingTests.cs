using Lepton.Data.Tables;
using Lepton.Registry;
using Lepton.Runtime.Calibration;
using Lepton.Runtime.LightGbm;
using Lepton.Runtime.Tables;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// A calibrated table model served over HTTP: each answer is LightGBM's own probability (model.txt, as any LightGBM reads it) passed
/// through the folder's calibration.json, and its contributions say they explain the score before an isotonic calibration.
/// </summary>
public sealed class TableCalibrationServingTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry _registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-calibration-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task Server_AnswersLightGbmsProbabilityThroughTheCalibration()
    {
        await TableEndToEndTests.TrainChurnAsync(_registry, _temp.Root, r => r with { ClassWeight = "balanced", Calibrate = "isotonic" });
        string folder = Path.Combine(_temp.Root, "model");
        var rows = ChurnRow.Make(30, seed: 5);
        await using var served = await ServedTable.StartAsync(_registry, "churn@production");
        var answers = (await TableEndToEndTests.PredictAsync(served.Http, rows, contributions: true)).GetProperty("predictions").EnumerateArray().ToList();

        using var trees = LightGbmPredictor.Load(folder);
        var encoder = TableInputEncoder.TryLoad(folder, trees.Signature)!;
        var expected = trees.Probabilities(encoder.Encode([.. rows.Select(r => TableRowJson.Parse(r.Json())!)]));
        var calibration = ProbabilityCalibration.Load(folder)!;
        Assert.Equal("isotonic", calibration.Method);
        var uncalibrated = (double[])expected.Clone();
        calibration.ApplyAll(expected);
        Assert.NotEqual(uncalibrated, expected);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - answers[i].GetProperty("probability").GetDouble()) <= 1e-6, $"row {i}: {expected[i]} vs {answers[i]}");
            Assert.Equal("before_calibration", answers[i].GetProperty("contributions").GetProperty("scale").GetString());
        }
    }
}
