namespace Lepton.Serving.Tests.Http;

/// <summary>/explain is a predict-scope endpoint: keys are checked and the per-key rate limit counts it like predict.</summary>
public sealed class ExplainAccessTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string Body = "{\"instances\": [[" + string.Join(",", Enumerable.Range(0, 16).Select(i => i * 16)) + "]]}";

    [Fact]
    public async Task Explain_NeedsAPredictKey()
    {
        Assert.Equal(401, (await Requests.PostJson(server.Client, "/models/tiny/explain", Body, null)).Status);
        Assert.Equal(403, (await Requests.PostJson(server.Client, "/models/tiny/explain", Body, server.FeedbackKey)).Status);
        var reply = await Requests.PostJson(server.Client, "/models/tiny/explain", Body, server.PredictKey);
        Assert.Equal(200, reply.Status);
        // The tiny model is an MLP: no conv layer for Grad-CAM, but saliency and occlusion over its 4×4 input.
        Assert.Contains("no Conv2d layer", reply.Json.GetProperty("grad_cam_unavailable").GetString());
        Assert.Equal(4, reply.Json.GetProperty("maps").GetProperty("saliency").GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task Explain_IsRateLimitedPerKey()
    {
        var client = await server.StartAsync(new ServerOptions { RateLimitPerSecond = 2 });
        var replies = new List<Reply>();
        for (int i = 0; i < 5; i++) replies.Add(await Requests.PostJson(client, "/models/tiny/explain", Body, server.PredictKey));
        var limited = replies.First(r => r.Status == 429);
        Assert.Contains("Rate limit", limited.Error);
    }
}
