using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>
/// The Debian tools the deployment tests drive (haproxy, promtool, prometheus, kubectl). A missing tool fails the test with
/// the package to install, never skips it: these checks are the point of the generators.
/// </summary>
internal static class ExternalTool
{
    public static string Require(string name, string package)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin"))
        {
            if (dir.Length == 0) continue;
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException(
            $"{name} is not installed, and this test runs the real one: apt-get install {package} (test.sh installs it when missing).");
    }

    /// <summary>Runs a tool to completion and returns its exit code and everything it printed.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null, int timeoutSeconds = 60)
    {
        using var process = Start(file, args, workingDirectory, out var output);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish in {timeoutSeconds} s; output:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Starts a long-running tool; its stdout and stderr collect in <paramref name="output"/> (lock it to read).</summary>
    public static Process Start(string file, IEnumerable<string> args, string? workingDirectory, out StringBuilder output)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        var text = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = text;
        return process;
    }

    /// <summary>A loopback port free at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
