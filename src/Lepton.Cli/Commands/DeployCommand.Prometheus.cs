using System.CommandLine;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.Prometheus;

namespace Lepton.Cli.Commands;

public static partial class DeployCommand
{
    private static Command Prometheus()
    {
        var replicas = Replicas("The Lepton servers to scrape (/metrics), host:port separated by commas.");
        var output = new Option<string>("--out") { Description = "Folder for prometheus.yml and rules.yml.", DefaultValueFactory = _ => "prometheus" };
        var alert = new Option<string[]>("--alert") { Description = "A Lepton alert rule, e.g. \"p99 > 50ms\" (repeatable; added to monitoring: rules: of ./lepton.yaml)." };
        var window = new Option<string?>("--window") { Description = "The window rules look back over (default: monitoring: window: of ./lepton.yaml, else 15m)." };
        var hold = new Option<string>("--for") { Description = "How long a rule must hold before its alert fires (0: at once, as Lepton's monitor does).", DefaultValueFactory = _ => "0" };
        var scrape = new Option<string>("--scrape-interval") { Description = "Time between scrapes of each server.", DefaultValueFactory = _ => "15s" };
        var evaluation = new Option<string>("--evaluation-interval") { Description = "Time between evaluations of the rules.", DefaultValueFactory = _ => "15s" };
        var severity = new Option<string>("--severity") { Description = "The severity label of the alerts.", DefaultValueFactory = _ => "warning" };
        var haproxy = new Option<string?>("--haproxy-stats") { Description = "HAProxy's stats address (lepton deploy haproxy --stats-port), scraped too." };
        var alertmanager = new Option<string?>("--alertmanagers") { Description = "Alertmanagers to notify, host:port separated by commas." };
        var json = CommonOptions.Json();
        var cmd = new Command("prometheus", "Write prometheus.yml (scraping every server's /metrics) and rules.yml (Lepton's alert rules in PromQL).\n\nExample:\n" +
                                            "  lepton deploy prometheus --replicas 10.0.0.5:8080,10.0.0.6:8080 --alert \"error_rate > 1%\" --alert \"p99 > 50ms\" --out prometheus");
        foreach (var o in new Option[] { replicas, output, alert, window, hold, scrape, evaluation, severity, haproxy, alertmanager, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(_ =>
        {
            var monitoring = ServeCommand.Monitoring(p.GetValue(alert) ?? [], p.GetValue(window));
            var options = new PrometheusOptions
            {
                Rules = monitoring.Rules,
                Window = monitoring.Window,
                HoldFor = Duration(p.GetValue(hold)!, "--for", allowZero: true),
                ScrapeInterval = Duration(p.GetValue(scrape)!, "--scrape-interval"),
                EvaluationInterval = Duration(p.GetValue(evaluation)!, "--evaluation-interval"),
                Severity = p.GetValue(severity)!,
                HaProxyStats = Address(p.GetValue(haproxy), "--haproxy-stats"),
                Alertmanagers = p.GetValue(alertmanager) is { } list ? Addresses(list, "--alertmanagers") : [],
            };
            var files = PrometheusConfig.Files(Addresses(p.GetValue(replicas), "--replicas"), options);
            var written = DeploymentWriter.Write(p.GetValue(output)!, files);
            Report(written, p.GetValue(json), $"promtool check config {written[0]}");
            return 0;
        }));
        return cmd;
    }
}
