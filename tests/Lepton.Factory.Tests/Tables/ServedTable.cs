using Lepton.Registry;
using Lepton.Serving;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Factory.Tests.Tables;

/// <summary>A registered model served in memory (no auth, no Swagger) with its requests logged every 50 ms, and a client for it.</summary>
internal sealed class ServedTable : IAsyncDisposable
{
    private ModelManager _models = null!;
    private PredictionLogWriter _log = null!;
    private WebApplication _app = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Loads <paramref name="reference"/> (e.g. churn@production) and starts the server.</summary>
    public static async Task<ServedTable> StartAsync(ModelRegistry registry, string reference)
    {
        var served = new ServedTable
        {
            _models = new ModelManager(registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan)),
            _log = new PredictionLogWriter(registry.Store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(50))),
        };
        await served._models.LoadAsync(new ModelServeOptions(reference));
        served._app = LeptonServer.Build(new ServerOptions { NoAuth = true, EnableSwagger = false }, new ServerDependencies(served._models, null, served._log),
            b => b.WebHost.UseTestServer());
        await served._app.StartAsync();
        served.Http = served._app.GetTestClient();
        return served;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _log.DisposeAsync();
        await _models.DisposeAsync();
    }
}
