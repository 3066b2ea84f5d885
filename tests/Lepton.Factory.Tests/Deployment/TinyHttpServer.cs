using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>A Kestrel server on a loopback port with the handlers a test gives it (a stand-in replica).</summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TinyHttpServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<TinyHttpServer> StartAsync(Action<WebApplication> map)
    {
        int port = ExternalTool.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new TinyHttpServer(app, port);
    }

    /// <summary>Stops listening at once, as a killed replica does; requests in flight are cut.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var cts = new CancellationTokenSource(TimeSpan.Zero);
        await _app.StopAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    public static IResult Text(string text, string contentType = "text/plain") => Results.Text(text, contentType);
}
