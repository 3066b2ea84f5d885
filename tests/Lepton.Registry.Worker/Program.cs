using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Lepton.Registry.Store;

// A child process for the store's multi-process tests: it registers versions or moves an alias and prints
// "ack ..." after every committed write. LEPTON_FAULT_AT=<point> (with LEPTON_FAULT_SKIP=<n> passes first)
// makes it kill itself with SIGKILL at that point of a write, like `kill -9` mid-transaction.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Lepton.Registry.Worker register|alias STORE MODEL COUNT [GO-FILE]");
    return 2;
}
string mode = args[0], store = args[1], model = args[2];
int count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
if (args.Length > 4)
    while (!File.Exists(args[4])) Thread.Sleep(2);

InstallFault();
await using var registry = await RegistryStoreFactory.OpenAsync(store);
Console.WriteLine($"open schema {await registry.SchemaVersionAsync()}");
string tag = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
for (int i = 0; i < count; i++)
{
    if (mode == "register")
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tag}-{i}")));
        var version = await registry.RegisterModelVersionAsync(new NewModelVersion(model, hash, "Linear(4->2)", "{\"accuracy\":0.5}", null, null,
            "{\"inputs\":[]}", $"worker-{Environment.ProcessId}"));
        Console.WriteLine($"ack {version.Version} {version.ArtifactHash}");
    }
    else if (mode == "alias")
    {
        var versions = await registry.ListModelVersionsAsync(model);
        int target = versions[i % versions.Count].Version;
        var alias = await registry.SetAliasAsync(model, "production", target, $"worker-{Environment.ProcessId}");
        Console.WriteLine($"ack alias {alias.Version}");
    }
    else
    {
        Console.Error.WriteLine($"unknown mode '{mode}'; use register or alias");
        return 2;
    }
}
return 0;

static void InstallFault()
{
    string? point = Environment.GetEnvironmentVariable("LEPTON_FAULT_AT");
    if (string.IsNullOrEmpty(point)) return;
    int skip = int.TryParse(Environment.GetEnvironmentVariable("LEPTON_FAULT_SKIP"), out var n) ? n : 0;
    StoreFaults.Hook = hit =>
    {
        if (hit != point || skip-- > 0) return;
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    };
}
