using Lepton.Factory.Deployment.Prometheus;
using Lepton.Monitoring.Alerts;

namespace Lepton.Factory.Tests.Deployment;

public sealed class AlertRuleTranslatorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static string Expr(string rule) => AlertRuleTranslator.Expression(AlertRule.Parse(rule), Window);

    [Fact]
    public void Expression_ErrorRate_DividesModelFailuresByLoggedRequestsOfPredictionRoutesOverTheWindow() =>
        Assert.Equal(
            "(sum by (model, version) (rate(lepton_http_errors_total{route=~\".*/(infer|predict)\",version!=\"\",status=~\"5..\"}[15m])) or "
            + "sum by (model, version) (rate(lepton_http_requests_total{route=~\".*/(infer|predict)\",version!=\"\",status!~\"4..\"}[15m])) * 0) / "
            + "sum by (model, version) (rate(lepton_http_requests_total{route=~\".*/(infer|predict)\",version!=\"\",status!~\"4..\"}[15m])) > 0.05",
            Expr("error_rate > 5%"));

    [Theory]
    [InlineData("p99 > 50ms", "histogram_quantile(0.99,", "> 0.05")]
    [InlineData("p95 >= 2s", "histogram_quantile(0.95,", ">= 2")]
    [InlineData("p50 < 1ms", "histogram_quantile(0.5,", "< 0.001")]
    public void Expression_Latency_IsAHistogramQuantileInSeconds(string rule, string start, string end)
    {
        string expr = Expr(rule);

        Assert.StartsWith(start, expr);
        Assert.Contains("sum by (model, version, le) (rate(lepton_http_request_duration_seconds_bucket{route=~\".*/(infer|predict)\",version!=\"\"}[15m]))", expr);
        Assert.EndsWith(end, expr);
    }

    [Fact]
    public void Expression_Accuracy_GatesOnTheLabelCount() =>
        Assert.Equal(
            "max by (model, version) (lepton_live_accuracy) < 0.85 and on (model, version) max by (model, version) (lepton_live_labels) >= 500",
            Expr("accuracy < 85% over 500 labels"));

    [Fact]
    public void Expression_CalibrationGap_ReadsTheSignedGaugesSize_AndGatesOnTheLabelCount() =>
        Assert.Equal(
            "max by (model, version) (abs(lepton_live_calibration_gap)) > 0.05 and on (model, version) max by (model, version) (lepton_live_labels) >= 200",
            Expr("calibration.gap > 0.05 over 200 labels"));

    [Fact]
    public void Expression_IntervalCoverage_ReadsItsGaugeAndGatesOnTheLabelCount() =>
        Assert.Equal(
            "max by (model, version) (lepton_live_interval_coverage) < 0.85 and on (model, version) max by (model, version) (lepton_live_labels) >= 300",
            Expr("interval.coverage < 0.85 over 300 labels"));

    [Fact]
    public void Expression_DriftStatistic_SelectsItAndGatesOnAnsweredPredictions() =>
        Assert.Equal(
            "max by (model, version) (lepton_drift_psi{statistic=\"mean\"}) > 0.2 and on (model, version) "
            + "sum by (model, version) (increase(lepton_http_requests_total{route=~\".*/(infer|predict)\",version!=\"\",status!~\"[45]..\"}[15m])) >= 50",
            Expr("drift.psi.mean > 0.2"));

    [Fact]
    public void Expression_KsStatistic_ReadsTheServersVerdict()
    {
        var rule = AlertRule.Parse("drift.ks > 0.3");

        Assert.Equal("max by (model) (lepton_alert_firing{rule=\"drift.ks > 0.3\"}) == 1", AlertRuleTranslator.Expression(rule, Window));
        Assert.True(AlertRuleTranslator.UsesServerVerdict(rule));
    }

    [Fact]
    public void Expression_TableColumnMetrics_ReadTheColumnGaugesOrTheServersVerdict()
    {
        Assert.StartsWith("max by (model, version) (lepton_feature_drift_psi{column=\"monthly\"}) > 0.2", Expr("drift.psi.feature.monthly > 0.2"));
        Assert.StartsWith("max by (model, version) (lepton_feature_drift_psi{role!=\"time\"}) > 0.2", Expr("drift.psi.feature.max > 0.2"));
        Assert.StartsWith("max by (model, version) (lepton_feature_drift_ks{column=\"age\"}) > 0.3", Expr("drift.ks.feature.age > 0.3"));
        Assert.Equal("max by (model) (lepton_alert_firing{rule=\"drift.missing.feature.plan > 0.1\"}) == 1", Expr("drift.missing.feature.plan > 0.1"));
    }

    [Fact]
    public void Expression_EveryLeptonMetric_HasATranslationNamingALeptonFamily()
    {
        foreach (string metric in AlertRule.Metrics.Except(AlertRule.GroupMetrics))
        {
            string text = metric is "p50" or "p95" or "p99" ? $"{metric} > 10ms" : $"{metric} > 0.5";
            string expr = Expr(text);
            Assert.Contains("lepton_", expr);
            Assert.Contains(" > ", expr);
        }
    }

    [Theory]
    [InlineData("error_rate > 1%", "LeptonErrorRate")]
    [InlineData("p99 > 1s", "LeptonP99")]
    [InlineData("drift.psi.std > 1", "LeptonDriftPsiStd")]
    [InlineData("prediction.chi2_p < 0.01", "LeptonPredictionChi2P")]
    [InlineData("live.mae > 2", "LeptonLiveMae")]
    public void AlertName_Metric_IsPascalCasedAfterLepton(string rule, string name) =>
        Assert.Equal(name, AlertRuleTranslator.AlertName(AlertRule.Parse(rule)));

    [Fact]
    public void Translate_Rule_CarriesSeverityTheRuleTextAndATemplatedSummary()
    {
        var alert = AlertRuleTranslator.Translate(AlertRule.Parse("error_rate > 5%"), Window, TimeSpan.FromMinutes(2), "critical");

        Assert.Equal(TimeSpan.FromMinutes(2), alert.For);
        Assert.Contains(new KeyValuePair<string, string>("severity", "critical"), alert.Labels);
        Assert.Contains(new KeyValuePair<string, string>("lepton_rule", "error_rate > 5%"), alert.Labels);
        Assert.Contains(alert.Annotations, a => a.Key == "summary" && a.Value.Contains("{{ $value | humanizePercentage }}", StringComparison.Ordinal));
    }
}
