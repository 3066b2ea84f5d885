namespace Lepton.Serving.Tests.Http;

/// <summary>The auth matrix: no, invalid, revoked or expired keys get 401; keys without the scope get 403; admin holds every scope.</summary>
public sealed class AuthTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    public static TheoryData<string, string> ProtectedEndpoints() => new()
    {
        { "POST", "/v2/models/tiny/infer" },
        { "POST", "/models/tiny/predict" },
        { "GET", "/v2/models/tiny" },
        { "POST", "/v2/models/tiny/feedback" },
        { "POST", "/v2/repository/index" },
        { "POST", "/v2/repository/models/tiny/load" },
        { "POST", "/v2/repository/models/tiny/unload" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task MissingInvalidRevokedOrExpiredKeys_Are401(string method, string path)
    {
        foreach (var key in new[] { null, "lk_" + new string('0', 64), "not-a-key", server.RevokedKey, server.ExpiredKey })
        {
            var reply = await Requests.Send(_client, new HttpMethod(method), path, new StringContent("{}"), key);
            Assert.True(reply.Status == 401, $"{method} {path} with {(key is null ? "no key" : "a bad key")}: {reply.Status} {reply.Body}");
            Assert.False(string.IsNullOrEmpty(reply.Error));
            Assert.True(reply.Message.Headers.WwwAuthenticate.Count > 0);
        }
    }

    [Theory]
    [InlineData("POST", "/v2/repository/index")]
    [InlineData("POST", "/v2/repository/models/tiny/load")]
    [InlineData("POST", "/v2/repository/models/tiny/unload")]
    [InlineData("POST", "/v2/models/tiny/feedback")]
    public async Task PredictKey_CannotManageModelsOrSendFeedback(string method, string path)
    {
        var reply = await Requests.Send(_client, new HttpMethod(method), path, new StringContent("{}"), server.PredictKey);
        Assert.Equal(403, reply.Status);
        Assert.Contains("needs", reply.Error);
    }

    [Fact]
    public async Task FeedbackKey_CannotInfer_AdminKeyCanDoEverything()
    {
        var body = Requests.InferJson(Requests.Pixels());
        Assert.Equal(403, (await Requests.PostJson(_client, "/v2/models/tiny/infer", body, server.FeedbackKey)).Status);
        Assert.Equal(200, (await Requests.PostJson(_client, "/v2/models/tiny/infer", body, server.AdminKey)).Status);
        Assert.Equal(200, (await Requests.PostJson(_client, "/v2/repository/index", "{}", server.AdminKey)).Status);
    }

    [Fact]
    public async Task RevokingAKey_TakesEffectWithinTheCacheTime()
    {
        var store = server.Registry.Store;
        var created = await Lepton.Registry.Keys.ApiKeys.CreateAsync(store, "short-lived", Lepton.Registry.Store.KeyScopes.Predict, null, "test");
        var client = await server.StartAsync(new ServerOptions { AuthCacheTtl = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(200, (await Requests.Get(client, "/v2/models/tiny", created.Secret)).Status);
        await store.RevokeApiKeyAsync(created.Record.Id, "test");
        await Task.Delay(300);
        Assert.Equal(401, (await Requests.Get(client, "/v2/models/tiny", created.Secret)).Status);
    }

    [Fact]
    public async Task NoAuth_IsRefusedOffLoopback_AndServesWithoutKeysOnLoopback()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServerOptions { NoAuth = true, Host = "0.0.0.0" }.Validate());
        Assert.Contains("loopback", ex.Message);
        var client = await server.StartAsync(new ServerOptions { NoAuth = true });
        Assert.Equal(200, (await Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), null)).Status);
    }

    [Fact]
    public async Task PublicEndpoints_NeedNoKey()
    {
        foreach (var path in new[] { "/v2", "/v2/health/live", "/v2/health/ready", "/metrics" })
            Assert.Equal(200, (await Requests.Get(_client, path, null)).Status);
    }
}
