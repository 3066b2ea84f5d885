using Lepton.Serving.Logging;

namespace Lepton.Serving.Tests.Http;

/// <summary>Infer and feedback through the real prediction log writer end in the registry store.</summary>
public sealed class PredictionLogWiringTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task InferThenFeedback_AreStoredUnderTheSamePredictionId()
    {
        await using var log = new PredictionLogWriter(server.Registry.Store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(20)));
        var client = await server.StartAsync(new ServerOptions { RawInputSampleRate = 1 }, log);
        var infer = await Requests.PostJson(client, "/models/tiny/predict", $"{{\"instances\":[[{string.Join(",", Requests.Pixels())}]]}}", server.PredictKey);
        Assert.Equal(200, infer.Status);
        string id = infer.Header("X-Prediction-Id")!;

        var feedback = await Requests.PostJson(client, "/v2/models/tiny/feedback", $"{{\"prediction_id\":\"{id}\",\"label\":\"bird\"}}", server.FeedbackKey);
        Assert.Equal(200, feedback.Status);
        // Acknowledged feedback is already durable: no flush or wait needed.
        var stored = Assert.Single(await server.Registry.Store.ListFeedbackAsync("tiny"), f => f.PredictionId == id);
        Assert.Equal("bird", stored.Label);
        Assert.StartsWith("key:", stored.Actor);

        // The prediction itself is written asynchronously.
        Lepton.Registry.Store.PredictionRecord? prediction = null;
        for (int i = 0; i < 100 && prediction is null; i++)
        {
            prediction = await server.Registry.Store.GetPredictionAsync(id);
            if (prediction is null) await Task.Delay(20);
        }
        Assert.NotNull(prediction);
        Assert.Equal("tiny", prediction.Model);
        Assert.Equal(1, prediction.Version);
        Assert.NotNull(prediction.RawInputJson);
        Assert.Contains("mean", prediction.InputStatsJson);
    }
}
