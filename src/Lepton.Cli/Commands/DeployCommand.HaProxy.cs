using System.CommandLine;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.HaProxy;

namespace Lepton.Cli.Commands;

public static partial class DeployCommand
{
    private static Command HaProxy()
    {
        var replicas = Replicas("The Lepton servers, host:port separated by commas (DNS names are re-resolved while HAProxy runs).");
        var output = new Option<string?>("--out") { Description = "File to write (default: print the configuration)." };
        var bind = new Option<string>("--bind") { Description = "Address HAProxy listens on; 0.0.0.0 for every interface.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port HAProxy listens on.", DefaultValueFactory = _ => 8080 };
        var balance = new Option<string>("--balance") { Description = "leastconn (requests of uneven cost) or roundrobin.", DefaultValueFactory = _ => "leastconn" };
        var retries = new Option<int>("--retries") { Description = "Retries on another replica when one fails to answer.", DefaultValueFactory = _ => 3 };
        var check = new Option<string>("--check-interval") { Description = "Time between health checks of a replica (/v2/health/ready).", DefaultValueFactory = _ => "2s" };
        var timeout = new Option<string>("--server-timeout") { Description = "Longest wait for a replica's answer.", DefaultValueFactory = _ => "60s" };
        var stats = new Option<int?>("--stats-port") { Description = "Serve HAProxy's stats page and Prometheus metrics on 127.0.0.1 at this port." };
        var json = CommonOptions.Json();
        var cmd = new Command("haproxy", "Write an haproxy.cfg that spreads requests over Lepton servers, checks their readiness and retries " +
                                         "a failed request on another replica.\n\nExample:\n" +
                                         "  lepton deploy haproxy --replicas 10.0.0.5:8080,10.0.0.6:8080 --port 80 --bind 0.0.0.0 --out haproxy.cfg");
        foreach (var o in new Option[] { replicas, output, bind, port, balance, retries, check, timeout, stats, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(_ =>
        {
            var options = new HaProxyOptions
            {
                BindHost = p.GetValue(bind)!,
                Port = p.GetValue(port),
                Balance = p.GetValue(balance)!,
                Retries = p.GetValue(retries),
                CheckInterval = Duration(p.GetValue(check)!, "--check-interval"),
                ServerTimeout = Duration(p.GetValue(timeout)!, "--server-timeout"),
                StatsPort = p.GetValue(stats),
            };
            string text = HaProxyConfig.Render(Addresses(p.GetValue(replicas), "--replicas"), options);
            if (p.GetValue(output) is not { } file)
            {
                Console.Write(text);
                return 0;
            }
            string path = DeploymentWriter.WriteFile(file, text);
            Report([path], p.GetValue(json), $"haproxy -c -f {path}");
            return 0;
        }));
        return cmd;
    }
}
