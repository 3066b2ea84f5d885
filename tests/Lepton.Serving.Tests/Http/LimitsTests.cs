using System.Net;
using System.Net.Sockets;
using System.Text;
using Lepton.Serving.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Tests.Http;

/// <summary>Rate limits, Kestrel's body limit on a real socket, and the global error handler.</summary>
public sealed class LimitsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task RateLimit_PerKey_Answers429WithRetryAfter()
    {
        var client = await server.StartAsync(new ServerOptions { RateLimitPerSecond = 2 });
        var body = Requests.InferJson(Requests.Pixels());
        var replies = new List<Reply>();
        for (int i = 0; i < 5; i++) replies.Add(await Requests.PostJson(client, "/v2/models/tiny/infer", body, server.PredictKey));
        var limited = replies.First(r => r.Status == 429);
        Assert.NotNull(limited.Message.Headers.RetryAfter);
        Assert.Contains("Rate limit", limited.Error);
        // Another key has its own budget.
        Assert.Equal(200, (await Requests.PostJson(client, "/v2/models/tiny/infer", body, server.AdminKey)).Status);
    }

    [Fact]
    public async Task Kestrel_OnLoopback_RefusesOversizedBodiesWith413()
    {
        var app = LeptonServer.Build(new ServerOptions { Port = 0, MaxRequestBodyBytes = 4096 }, new ServerDependencies(server.Models, server.Registry.Store));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            Assert.StartsWith("http://127.0.0.1:", address);
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var reply = await Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Enumerable.Repeat(1f, 5000).ToArray()), server.PredictKey);
            Assert.Equal(413, reply.Status);
            Requests.AssertNoLeaks(reply);
            var ok = await Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), server.PredictKey);
            Assert.Equal(200, ok.Status);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void UnexpectedExceptions_BecomeA500WithOnlyAnIncidentId()
    {
        var (status, message, _) = ErrorHandlingMiddleware.Classify(new NullReferenceException("at /home/x/secret.cs:line 3"));
        Assert.Equal(500, status);
        Assert.Equal("", message);
        Assert.Equal("<path> is gone", ClientText.Scrub("/var/lib/lepton/artifacts/ab/cd is gone"));
    }
}
