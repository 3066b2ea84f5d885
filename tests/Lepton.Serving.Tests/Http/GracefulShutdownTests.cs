using Lepton.Serving.Batching;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Tests.Http;

/// <summary>Stopping the server lets requests already in flight finish with their answer.</summary>
public sealed class GracefulShutdownTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task StopAsync_FinishesInFlightRequests()
    {
        // A long batching delay keeps a lone request in flight for ~600 ms.
        await using var models = new ModelManager(server.Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await models.LoadAsync(new ModelServeOptions("tiny@production", MaxBatchSize: 64, MaxQueueDelay: TimeSpan.FromMilliseconds(600), Wait: BatchWait.Always));
        var app = LeptonServer.Build(new ServerOptions { Port = 0, ShutdownTimeout = TimeSpan.FromSeconds(10) },
            new ServerDependencies(models, server.Registry.Store));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var client = new HttpClient { BaseAddress = address };
        var inFlight = Requests.PostJson(client, "/v2/models/tiny/infer", Requests.InferJson(Requests.Pixels()), server.PredictKey);
        for (int i = 0; i < 100 && models.Metrics.All().Sum(m => m.InFlight) == 0; i++) await Task.Delay(10);
        Assert.Equal(1, models.Metrics.All().Sum(m => m.InFlight));

        await app.StopAsync();
        var reply = await inFlight;
        Assert.Equal(200, reply.Status);
        Assert.Equal("tiny", reply.Json.GetProperty("model_name").GetString());
        await app.DisposeAsync();
    }
}
