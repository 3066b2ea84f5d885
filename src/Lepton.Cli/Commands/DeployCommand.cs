using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Factory.Deployment;
using Lepton.Monitoring;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton deploy haproxy|prometheus|k8s</c>: configuration files for the engines that run Lepton servers at scale.</summary>
public static partial class DeployCommand
{
    public static Command Create()
    {
        var cmd = new Command("deploy", "Configuration for existing engines: HAProxy in front of replicas, Prometheus scraping them with Lepton's " +
                                        "alert rules, Kubernetes manifests. See docs/deploy.md.");
        cmd.Subcommands.Add(HaProxy());
        cmd.Subcommands.Add(Prometheus());
        cmd.Subcommands.Add(Kubernetes());
        return cmd;
    }

    private static Option<string> Replicas(string description) => new("--replicas")
    {
        Description = description,
        Required = true,
    };

    /// <summary>The --replicas list, with a parse error turned into a usage error naming the option.</summary>
    private static IReadOnlyList<ReplicaAddress> Addresses(string? text, string option)
    {
        try
        {
            return ReplicaAddress.ParseList(text, option);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message);
        }
    }

    private static ReplicaAddress? Address(string? text, string option)
    {
        if (text is null) return null;
        try
        {
            return ReplicaAddress.Parse(text, option);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message);
        }
    }

    private static TimeSpan Duration(string text, string option, bool allowZero = false)
    {
        try
        {
            return MonitorWindow.ParseDuration(text, allowZero);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{option}: {e.Message}");
        }
    }

    /// <summary>Lists what was written (or prints it as JSON) and the command that checks or applies it.</summary>
    private static void Report(IReadOnlyList<string> written, bool json, string next)
    {
        if (json)
        {
            JsonOut.Write(new { files = written, next });
            return;
        }
        foreach (string path in written) AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/]");
        AnsiConsole.MarkupLine($"next: [grey]{Markup.Escape(next)}[/]");
    }
}
