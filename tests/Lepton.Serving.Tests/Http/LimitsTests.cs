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
    public async Task Kestrel_OnLoopback_EnforcesBodyHeaderAndDataRateLimits()
    {
        var options = new ServerOptions
        {
            Port = 0,
            MaxRequestBodyBytes = 4096,
            MaxRequestHeaderCount = 20,
            MinRequestBodyBytesPerSecond = 1000,
            MinRequestBodyGracePeriod = TimeSpan.FromSeconds(1.5),
        };
        var app = LeptonServer.Build(options, new ServerDependencies(server.Models, server.Registry.Store));
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            Assert.Equal("127.0.0.1", address.Host);
            using var client = new HttpClient { BaseAddress = address };
            // Expect: 100-continue lets the server refuse before the body is sent; without it the client may still be
            // writing when the server closes the connection, and see a reset instead of the 413.
            var big = await Requests.Send(client, HttpMethod.Post, "/v2/models/tiny/infer",
                new StringContent(Requests.InferJson(Enumerable.Repeat(1f, 5000).ToArray()), Encoding.UTF8, "application/json"), server.PredictKey,
                r => r.Headers.ExpectContinue = true);
            Assert.Equal(413, big.Status);
            Requests.AssertNoLeaks(big);
            Assert.Equal(200, (await Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), server.PredictKey)).Status);

            var headers = await Requests.Send(client, HttpMethod.Get, "/v2", null, null, r =>
            {
                for (int i = 0; i < 40; i++) r.Headers.Add($"X-Filler-{i}", "x");
            });
            Assert.Equal(431, headers.Status);

            // A client that announces a body and then trickles it is dropped once the grace period is over.
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.PredictKey}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{{"));
            var started = DateTime.UtcNow;
            var buffer = new byte[4096];
            var read = stream.ReadAsync(buffer).AsTask();
            Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))));
            string answer = Encoding.ASCII.GetString(buffer, 0, await read);
            Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
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
