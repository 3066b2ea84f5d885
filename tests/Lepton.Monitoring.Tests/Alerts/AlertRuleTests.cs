using Lepton.Monitoring.Alerts;

namespace Lepton.Monitoring.Tests.Alerts;

public class AlertRuleTests
{
    [Theory]
    [InlineData("drift.psi > 0.2", "drift.psi", ">", 0.2, 0)]
    [InlineData("drift.psi.mean >= 0.1", "drift.psi.mean", ">=", 0.1, 0)]
    [InlineData("drift.ks > 0.3", "drift.ks", ">", 0.3, 0)]
    [InlineData("prediction.psi > 0.2", "prediction.psi", ">", 0.2, 0)]
    [InlineData("prediction.chi2_p < 0.01", "prediction.chi2_p", "<", 0.01, 0)]
    [InlineData("accuracy < 0.85 over 500 labels", "accuracy", "<", 0.85, 500)]
    [InlineData("accuracy < 85%", "accuracy", "<", 0.85, AlertRule.DefaultMinLabels)]
    [InlineData("live.mae > 2", "live.mae", ">", 2, AlertRule.DefaultMinLabels)]
    [InlineData("live.rmse >= 0.5 over 20 labels", "live.rmse", ">=", 0.5, 20)]
    [InlineData("live.f1 < 80% over 100 labels", "live.f1", "<", 0.8, 100)]
    [InlineData("error_rate > 0.05", "error_rate", ">", 0.05, 0)]
    [InlineData("error_rate > 5%", "error_rate", ">", 0.05, 0)]
    [InlineData("p99 > 50ms", "p99", ">", 50, 0)]
    [InlineData("p95 <= 0.25s", "p95", "<=", 250, 0)]
    [InlineData("P50>10", "p50", ">", 10, 0)]
    [InlineData("requests < 1", "requests", "<", 1, 0)]
    public void Valid_rules_parse_to_metric_comparison_threshold_and_label_minimum(string text, string metric, string comparison, double threshold,
        int minLabels)
    {
        var rule = AlertRule.Parse(text);
        Assert.Equal((text, metric, comparison, minLabels), (rule.Text, rule.Metric, rule.Comparison, rule.MinLabels));
        Assert.Equal(threshold, rule.Threshold, 12);
    }

    [Theory]
    [InlineData("drift.psy > 0.2", "'drift.psy' is not a known metric")]
    [InlineData("drift.psi = 0.2", "not of the form")]
    [InlineData("drift.psi > high", "not of the form")]
    [InlineData("p99 > 5%", "does not apply to p99")]
    [InlineData("live.mae > 5%", "does not apply to live.mae")]
    [InlineData("error_rate > 5 over 10 labels", "applies only to accuracy")]
    [InlineData("", "not of the form")]
    public void Invalid_rules_name_the_problem_the_metrics_and_an_example(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => AlertRule.Parse(text));
        Assert.Contains(problem, error.Message);
        Assert.Contains("prediction.chi2_p", error.Message);
        Assert.Contains("accuracy < 0.85 over 500 labels", error.Message);
    }

    [Theory]
    [InlineData(">", 0.3, true)]
    [InlineData(">", 0.2, false)]
    [InlineData(">=", 0.2, true)]
    [InlineData("<", 0.1, true)]
    [InlineData("<=", 0.2, true)]
    [InlineData("<", 0.2, false)]
    public void Comparisons_hold_as_written(string comparison, double value, bool holds)
    {
        Assert.Equal(holds, AlertRule.Parse($"drift.psi {comparison} 0.2").Holds(value));
    }
}
