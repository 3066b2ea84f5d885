using System.Net;
using Xunit.Abstractions;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.HaProxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>A real HAProxy with the generated configuration in front of two Kestrel stand-in replicas on loopback.</summary>
public sealed class HaProxyLoopbackTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-haproxy-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<TinyHttpServer> Replica(string name) => TinyHttpServer.StartAsync(app =>
    {
        app.MapGet(HaProxyConfig.ReadyPath, () => Results.Json(new { ready = true }));
        app.MapPost("/v2/models/{model}/infer", async (HttpRequest request) =>
        {
            // The body is read, as a real replica does, so a retried request must arrive whole.
            using var reader = new StreamReader(request.Body);
            string body = await reader.ReadToEndAsync();
            return Results.Text($"{name}:{body}");
        });
    });

    [Fact]
    public async Task HaProxy_ReplicaKilled_NoClientRequestFails()
    {
        string haproxy = ExternalTool.Require("haproxy", "haproxy");
        await using var one = await Replica("one");
        await using var two = await Replica("two");
        int port = ExternalTool.FreePort();
        // Health checks 10 s apart (two failures mark a server down): the kill below must be met by requests, not by a check,
        // even when stopping the replica takes a second on a loaded machine (at 500 ms a check once marked it down first).
        var options = new HaProxyOptions { Port = port, Balance = "roundrobin", CheckInterval = TimeSpan.FromSeconds(10) };
        string cfg = DeploymentWriter.WriteFile(Path.Combine(_dir, "haproxy.cfg"),
            HaProxyConfig.Render(ReplicaAddress.ParseList($"{one.Address},{two.Address}"), options));

        using var process = ExternalTool.Start(haproxy, ["-db", "-f", cfg], _dir, out var log);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilServingAsync(client, process, log, "one", "two");

            var before = await SendAsync(client, 10, "a");
            Assert.Contains(before, r => r.StartsWith("one:", StringComparison.Ordinal));
            Assert.Contains(before, r => r.StartsWith("two:", StringComparison.Ordinal));

            // Killed between health checks: HAProxy still thinks "one" is up, so requests go there, fail to connect,
            // and are redispatched to "two" instead of failing.
            await one.StopAsync();
            var after = await SendAsync(client, 40, "b");

            Assert.All(after, r => Assert.StartsWith("two:b", r));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            lock (log) output.WriteLine(log.ToString());
        }
        // HAProxy's log shows the retries ("+1": redispatched to another server), so the kill was survived by retrying, not
        // because a health check had already taken the replica out.
        lock (log) Assert.Contains("/+1 ", log.ToString());
    }

    private static async Task<List<string>> SendAsync(HttpClient client, int count, string tag)
    {
        var answers = new List<string>();
        for (int i = 0; i < count; i++)
        {
            using var response = await client.PostAsync("/v2/models/m/infer", new StringContent($"{tag}{i}"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {tag}{i} failed with {(int)response.StatusCode}: {text}");
            Assert.EndsWith($":{tag}{i}", text);
            answers.Add(text);
        }
        return answers;
    }

    // Until every replica has answered through HAProxy: on a loaded machine a replica's first health check can come before it
    // listens, and HAProxy then sends everything to the other until its next check.
    private static async Task WaitUntilServingAsync(HttpClient client, System.Diagnostics.Process process, System.Text.StringBuilder log,
        params string[] replicas)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) lock (log) throw new InvalidOperationException($"haproxy exited with {process.ExitCode}:\n{log}");
            try
            {
                using var response = await client.PostAsync("/v2/models/m/infer", new StringContent("ping"));
                if (response.IsSuccessStatusCode)
                {
                    seen.Add((await response.Content.ReadAsStringAsync()).Split(':')[0]);
                    if (replicas.All(seen.Contains)) return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        lock (log) throw new TimeoutException($"haproxy did not serve from {string.Join(" and ", replicas)} within 30 s (answered: {string.Join(", ", seen)}):\n{log}");
    }
}
