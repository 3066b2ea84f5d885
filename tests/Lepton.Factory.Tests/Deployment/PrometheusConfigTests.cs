using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.Prometheus;
using Lepton.Monitoring.Alerts;

namespace Lepton.Factory.Tests.Deployment;

/// <summary>The generated files checked by Debian's promtool: syntax, PromQL, and the rules' verdicts on recorded series.</summary>
public sealed class PrometheusConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lepton-prometheus-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One rule of every metric a server exposes (not the groups only lepton monitor --groups measures), with its units.</summary>
    private static IReadOnlyList<AlertRule> EveryMetric =>
    [
        .. AlertRule.Metrics.Except(AlertRule.GroupMetrics).Select(m => AlertRule.Parse(m switch
        {
            "p50" or "p95" or "p99" => $"{m} > 50ms",
            "accuracy" or "live.f1" => $"{m} < 80% over 100 labels",
            "live.mae" or "live.rmse" => $"{m} > 2 over 10 labels",
            "prediction.chi2_p" => $"{m} < 0.01",
            "requests" => $"{m} < 1",
            "error_rate" => $"{m} > 5%",
            _ => $"{m} > 0.2",
        })),
    ];

    private static PrometheusOptions Options(params string[] rules) => new()
    {
        Rules = [.. rules.Select(AlertRule.Parse)],
        Window = TimeSpan.FromMinutes(5),
        EvaluationInterval = TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task Files_EveryMetricHaProxyAndAlertmanager_PassPromtoolCheckConfig()
    {
        string promtool = ExternalTool.Require("promtool", "prometheus");
        var options = new PrometheusOptions
        {
            Rules = EveryMetric,
            HaProxyStats = ReplicaAddress.Parse("127.0.0.1:9000"),
            Alertmanagers = [ReplicaAddress.Parse("alertmanager:9093")],
            HoldFor = TimeSpan.FromMinutes(1),
        };
        DeploymentWriter.Write(_dir, PrometheusConfig.Files(ReplicaAddress.ParseList("10.0.0.1:8080,[::1]:8081"), options));

        var (code, output) = await ExternalTool.RunAsync(promtool, ["check", "config", Path.Combine(_dir, PrometheusConfig.ConfigFileName)]);

        Assert.True(code == 0, $"promtool check config failed:\n{output}\n{File.ReadAllText(Path.Combine(_dir, PrometheusConfig.RulesFileName))}");
        Assert.Contains($"SUCCESS: {AlertRule.Metrics.Count - AlertRule.GroupMetrics.Count} rules found", output);
    }

    [Fact]
    public void RenderConfig_Targets_ScrapesEachReplicasMetricsAndReadsTheRulesFile()
    {
        string yaml = PrometheusConfig.RenderConfig(ReplicaAddress.ParseList("10.0.0.1:8080,[::1]:8081"), new PrometheusOptions());

        Assert.Contains("job_name: lepton", yaml);
        Assert.Contains("metrics_path: /metrics", yaml);
        Assert.Contains("- 10.0.0.1:8080", yaml);
        Assert.Contains("- '[::1]:8081'", yaml);
        Assert.Contains("rule_files:\n- rules.yml", yaml);
        Assert.DoesNotContain("alerting", yaml);
        Assert.DoesNotContain("haproxy", yaml);
    }

    [Fact]
    public void RenderRules_TwoRulesOnOneMetric_NumbersTheSecondAlert()
    {
        string yaml = PrometheusConfig.RenderRules(Options("p99 > 50ms", "p99 > 1s"));

        Assert.Contains("alert: LeptonP99\n", yaml);
        Assert.Contains("alert: LeptonP992\n", yaml);
    }

    [Fact]
    public void Validate_WindowShorterThanTwoScrapes_Throws()
    {
        var options = new PrometheusOptions { Window = TimeSpan.FromSeconds(20), ScrapeInterval = TimeSpan.FromSeconds(15) };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("shorter than two scrapes", error.Message);
    }

    [Theory]
    [InlineData("job name", "bad job")]
    [InlineData("severity", "Critical!")]
    public void Validate_BadName_Throws(string what, string value)
    {
        var options = what == "job name" ? new PrometheusOptions { JobName = value } : new PrometheusOptions { Severity = value };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains(value, error.Message);
    }

    /// <summary>
    /// promtool's rule unit tests replay series as two replicas would expose them and check which alerts fire, with labels
    /// and rendered annotations: the PromQL is right, not only well-formed.
    /// </summary>
    [Fact]
    public async Task Rules_RecordedSeries_FireExactlyWhereLeptonWould()
    {
        string promtool = ExternalTool.Require("promtool", "prometheus");
        var options = Options("error_rate > 5%", "accuracy < 0.9 over 10 labels", "p99 > 50ms", "drift.ks > 0.3", "drift.psi > 0.2", "calibration.gap > 0.05 over 10 labels");
        DeploymentWriter.Write(_dir, PrometheusConfig.Files(ReplicaAddress.ParseList("a:8080,b:8080"), options));
        File.WriteAllText(Path.Combine(_dir, "tests.yml"), RuleTests);

        var (code, output) = await ExternalTool.RunAsync(promtool, ["test", "rules", "tests.yml"], _dir);

        Assert.True(code == 0, $"promtool test rules failed:\n{output}\n{File.ReadAllText(Path.Combine(_dir, PrometheusConfig.RulesFileName))}");
        Assert.Contains("SUCCESS", output);
    }

    // Two replicas (instances a and b) over ten minutes, one sample a minute. Model m version 1: 10% of predictions fail,
    // every prediction takes 50-100 ms, its live accuracy is 0.5 on 20 labels, its input PSI 0.5 after 100 answered
    // predictions. Model ok: no failures, fast, and version 2 of m: accuracy 0.4 on only 5 labels (below the rule's 10).
    // Model few: PSI 0.9 on only 20 answered predictions (below Lepton's 50). Version 1 of m understates its event by 12 points
    // (a calibration gap of -0.12, which the rule reads either way); version 2's gap of 0.3 has too few labels. Health-check traffic on /metrics is ignored, and
    // so are requests refused for their input (400), which Lepton's monitor never logs: model ok's and those refused before
    // a version was chosen (no model or version label).
    private const string RuleTests = """
        rule_files:
          - rules.yml
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'lepton_http_requests_total{instance="a",route="/v2/models/{name}/infer",model="m",version="1",status="200"}'
                values: '0+45x10'
              - series: 'lepton_http_requests_total{instance="b",route="/models/{name}/predict",model="m",version="1",status="200"}'
                values: '0+45x10'
              - series: 'lepton_http_requests_total{instance="a",route="/v2/models/{name}/infer",model="m",version="1",status="500"}'
                values: '0+10x10'
              - series: 'lepton_http_errors_total{instance="a",route="/v2/models/{name}/infer",model="m",version="1",status="500"}'
                values: '0+10x10'
              - series: 'lepton_http_requests_total{instance="a",route="/v2/models/{name}/infer",model="ok",version="1",status="200"}'
                values: '0+100x10'
              - series: 'lepton_http_requests_total{instance="a",route="/v2/models/{name}/infer",model="few",version="1",status="200"}'
                values: '0+2x10'
              - series: 'lepton_http_requests_total{instance="b",route="/v2/models/{name}/infer",model="ok",version="1",status="400"}'
                values: '0+100x10'
              - series: 'lepton_http_errors_total{instance="b",route="/v2/models/{name}/infer",model="ok",version="1",status="400"}'
                values: '0+100x10'
              - series: 'lepton_http_requests_total{instance="b",route="/v2/models/{name}/infer",model="",version="",status="400"}'
                values: '0+100x10'
              - series: 'lepton_http_errors_total{instance="b",route="/v2/models/{name}/infer",model="",version="",status="400"}'
                values: '0+100x10'
              - series: 'lepton_http_requests_total{instance="a",route="/metrics",model="",version="",status="500"}'
                values: '0+1000x10'
              - series: 'lepton_http_errors_total{instance="a",route="/metrics",model="",version="",status="500"}'
                values: '0+1000x10'
              - series: 'lepton_http_request_duration_seconds_bucket{instance="a",route="/v2/models/{name}/infer",model="m",version="1",le="0.05"}'
                values: '0x10'
              - series: 'lepton_http_request_duration_seconds_bucket{instance="a",route="/v2/models/{name}/infer",model="m",version="1",le="0.1"}'
                values: '0+10x10'
              - series: 'lepton_http_request_duration_seconds_bucket{instance="a",route="/v2/models/{name}/infer",model="m",version="1",le="+Inf"}'
                values: '0+10x10'
              - series: 'lepton_http_request_duration_seconds_bucket{instance="a",route="/v2/models/{name}/infer",model="ok",version="1",le="0.05"}'
                values: '0+10x10'
              - series: 'lepton_http_request_duration_seconds_bucket{instance="a",route="/v2/models/{name}/infer",model="ok",version="1",le="0.1"}'
                values: '0+10x10'
              - series: 'lepton_http_request_duration_seconds_bucket{instance="a",route="/v2/models/{name}/infer",model="ok",version="1",le="+Inf"}'
                values: '0+10x10'
              - series: 'lepton_live_accuracy{instance="a",model="m",version="1"}'
                values: '0.5x10'
              - series: 'lepton_live_accuracy{instance="b",model="m",version="1"}'
                values: '0.5x10'
              - series: 'lepton_live_labels{instance="a",model="m",version="1"}'
                values: '20x10'
              - series: 'lepton_live_labels{instance="b",model="m",version="1"}'
                values: '20x10'
              - series: 'lepton_live_accuracy{instance="a",model="m",version="2"}'
                values: '0.4x10'
              - series: 'lepton_live_labels{instance="a",model="m",version="2"}'
                values: '5x10'
              - series: 'lepton_live_calibration_gap{instance="a",model="m",version="1"}'
                values: '-0.12x10'
              - series: 'lepton_live_calibration_gap{instance="a",model="m",version="2"}'
                values: '0.3x10'
              - series: 'lepton_drift_psi{instance="a",model="m",version="1",statistic="mean"}'
                values: '0.5x10'
              - series: 'lepton_drift_psi{instance="a",model="m",version="1",statistic="std"}'
                values: '0.1x10'
              - series: 'lepton_drift_psi{instance="a",model="few",version="1",statistic="mean"}'
                values: '0.9x10'
              - series: 'lepton_alert_firing{instance="a",model="m",rule="drift.ks > 0.3"}'
                values: '1x10'
              - series: 'lepton_alert_firing{instance="b",model="m",rule="drift.ks > 0.3"}'
                values: '1x10'
              - series: 'lepton_alert_firing{instance="a",model="ok",rule="drift.ks > 0.3"}'
                values: '0x10'
            alert_rule_test:
              - eval_time: 10m
                alertname: LeptonErrorRate
                exp_alerts:
                  - exp_labels: {severity: warning, lepton_rule: "error_rate > 5%", model: m, version: "1"}
                    exp_annotations:
                      summary: "m@1: error_rate is 10%, which breaks 'error_rate > 5%'."
                      description: "Lepton alert rule 'error_rate > 5%' over a 5m window (lepton deploy prometheus)."
              - eval_time: 10m
                alertname: LeptonAccuracy
                exp_alerts:
                  - exp_labels: {severity: warning, lepton_rule: "accuracy < 0.9 over 10 labels", model: m, version: "1"}
                    exp_annotations:
                      summary: "m@1: accuracy is 50%, which breaks 'accuracy < 0.9 over 10 labels'."
                      description: "Lepton alert rule 'accuracy < 0.9 over 10 labels' over a 5m window (lepton deploy prometheus)."
              - eval_time: 10m
                alertname: LeptonP99
                exp_alerts:
                  - exp_labels: {severity: warning, lepton_rule: "p99 > 50ms", model: m, version: "1"}
                    exp_annotations:
                      summary: "m@1: p99 is 99.5ms, which breaks 'p99 > 50ms'."
                      description: "Lepton alert rule 'p99 > 50ms' over a 5m window (lepton deploy prometheus)."
              - eval_time: 10m
                alertname: LeptonDriftKs
                exp_alerts:
                  - exp_labels: {severity: warning, lepton_rule: "drift.ks > 0.3", model: m}
                    exp_annotations:
                      summary: "m: the Lepton servers report 'drift.ks > 0.3' holds."
                      description: "Lepton alert rule 'drift.ks > 0.3' over a 5m window (lepton deploy prometheus)."
              - eval_time: 10m
                alertname: LeptonCalibrationGap
                exp_alerts:
                  - exp_labels: {severity: warning, lepton_rule: "calibration.gap > 0.05 over 10 labels", model: m, version: "1"}
                    exp_annotations:
                      summary: "m@1: calibration.gap is 0.12, which breaks 'calibration.gap > 0.05 over 10 labels'."
                      description: "Lepton alert rule 'calibration.gap > 0.05 over 10 labels' over a 5m window (lepton deploy prometheus)."
              - eval_time: 10m
                alertname: LeptonDriftPsi
                exp_alerts:
                  - exp_labels: {severity: warning, lepton_rule: "drift.psi > 0.2", model: m, version: "1"}
                    exp_annotations:
                      summary: "m@1: drift.psi is 0.5, which breaks 'drift.psi > 0.2'."
                      description: "Lepton alert rule 'drift.psi > 0.2' over a 5m window (lepton deploy prometheus)."
        """;
}
