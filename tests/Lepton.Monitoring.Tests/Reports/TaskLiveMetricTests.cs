using Lepton.Monitoring.Alerts;
using Lepton.NN.Serialization;
using Lepton.Serving.Http;
using static Lepton.Monitoring.Tests.MonitoringStore;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>
/// The live metric follows the task in each version's model.json: binary, multi-label and regression models scored from
/// feedback in the logged text forms, with hand-computed values, skipped rows, alerts and gauges.
/// </summary>
public class TaskLiveMetricTests
{
    private static readonly MonitorWindow Window = new(T0, T0.AddSeconds(100));

    /// <summary>Binary (no, yes): 6 labelled rows, 3 right; "yes" predicted 3 times (2 right), truly "yes" 4 times.</summary>
    private static async Task<MonitoringStore> BinaryAsync()
    {
        var store = await CreateAsync(withReference: false);
        await store.RegisterTaskModelAsync("spam", new TaskSpec(TaskKind.Binary), ["no", "yes"], 1);
        await store.LogLabelledAsync("spam", T0.AddSeconds(10),
            ("yes", "yes"), ("yes", "no"), ("no", "yes"), ("no", "no"), ("yes", "yes"), ("no", "yes"));
        return store;
    }

    /// <summary>Multi-label (red, large, round): 4 scorable rows, 2 exact sets; a fifth whose true label is not a list.</summary>
    private static async Task<MonitoringStore> MultiLabelAsync()
    {
        var store = await CreateAsync(withReference: false);
        await store.RegisterTaskModelAsync("tags", new TaskSpec(TaskKind.MultiLabel), ["red", "large", "round"], 3);
        await store.LogLabelledAsync("tags", T0.AddSeconds(10),
            ("[\"red\",\"large\"]", "[\"red\",\"large\"]"),
            ("[\"red\"]", "[\"red\",\"round\"]"),
            ("[]", "[]"),
            ("[\"large\",\"round\"]", "[\"round\"]"),
            ("[\"red\"]", "red"));
        return store;
    }

    /// <summary>Regression (price, area): 3 scorable rows; one truth with one value for two targets and one that is not a number.</summary>
    private static async Task<MonitoringStore> RegressionAsync(string? loss = null)
    {
        var store = await CreateAsync(withReference: false);
        await store.RegisterTaskModelAsync("house", new TaskSpec(TaskKind.Regression, TargetNames: ["price", "area"]) { Loss = loss }, [], 2);
        await store.LogLabelledAsync("house", T0.AddSeconds(10),
            ("[1,10]", "[2,10]"), ("[3,20]", "[3,16]"), ("[5,1]", "[2,0]"), ("[4,4]", "[1]"), ("[4,4]", "abc"));
        return store;
    }

    [Fact]
    public async Task A_binary_version_reports_accuracy_and_the_positive_class_precision_recall_and_f1()
    {
        await using var store = await BinaryAsync();
        var v1 = (await new ModelMonitor(store.Registry).ReportAsync("spam", Window)).Versions.Single();

        Assert.Equal(("binary", 0), (v1.Task, v1.SkippedLabels));
        Assert.Null(v1.LiveError);
        var a = v1.Accuracy!;
        Assert.Equal((6, 0.5), (a.Labels, a.Accuracy));
        // yes: precision 2/3, recall 2/4, F1 = 2 (2/3)(1/2) / (2/3 + 1/2) = 4/7.
        Assert.Equal(new ClassAccuracy("yes", 2.0 / 3, 0.5, 4), a.Positive);
        Assert.Equal(4.0 / 7, a.F1!.Value, 12);
        Assert.Equal(["no", "yes"], a.Classes.Select(c => c.Name));
    }

    [Fact]
    public async Task A_multilabel_version_reports_subset_accuracy_micro_f1_and_per_label_scores_and_skips_a_truth_that_is_not_a_list()
    {
        await using var store = await MultiLabelAsync();
        var v1 = (await new ModelMonitor(store.Registry).ReportAsync("tags", Window)).Versions.Single();

        Assert.Equal(("multilabel", 1), (v1.Task, v1.SkippedLabels));
        var a = v1.Accuracy!;
        Assert.Equal((4, 0.5), (a.Labels, a.Accuracy));
        // red: predicted 2, true 2, both right; large: predicted 2, true 1, 1 right; round: predicted 1, true 2, 1 right.
        Assert.Equal([new ClassAccuracy("red", 1, 1, 2), new ClassAccuracy("large", 0.5, 1, 1), new ClassAccuracy("round", 1, 0.5, 2)], a.Classes);
        // Micro F1 = 2 TP / (predicted + true) = 2 * 4 / (5 + 5).
        Assert.Equal(0.8, a.F1!.Value, 12);
        Assert.Null(a.Positive);
        // Answers containing each label, of the 5 answered requests: red 3, large 2, round 1.
        Assert.Equal([0.6, 0.4, 0.2], v1.ClassDistribution.Values);
    }

    [Fact]
    public async Task A_model_trained_with_a_weight_column_is_also_scored_with_each_row_counting_its_logged_weight()
    {
        await using var store = await CreateAsync(withReference: false);
        var weighted = new System.Text.Json.Nodes.JsonObject { ["weight_column"] = "exposure" };
        await store.RegisterTaskModelAsync("claims", new TaskSpec(TaskKind.Regression) { Loss = "poisson" }, [], 1, weighted);
        // (predicted, true, exposure): (1, 2, 0.5) (2, 2, 1) (4, 1, 2) and a row without an exposure, left out of the weighted figures.
        await store.LogLabelledRowsAsync("claims", T0.AddSeconds(10),
            ("1", "2", """{"age":30,"exposure":0.5}"""), ("2", "2", """{"age":40,"exposure":1}"""), ("4", "1", """{"age":50,"exposure":"2"}"""),
            ("3", "3", """{"age":60}"""));
        var v = (await new ModelMonitor(store.Registry).ReportAsync("claims", Window)).Versions.Single();
        var w = v.Weighted!;
        Assert.Equal(("exposure", 3), (w.Column, w.Labels));
        Assert.Equal((0.5 * 1 + 1 * 0 + 2 * 3) / 3.5, w.Mae!.Value, 6);
        Assert.Equal(Math.Sqrt((0.5 * 1 + 2 * 9) / 3.5), w.Rmse!.Value, 6);
        // Poisson deviance 2(y log(y/μ) − y + μ), weighted.
        static double D(double y, double mu) => 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - y + mu);
        Assert.Equal("Poisson deviance", w.LossMetric);
        Assert.Equal((0.5 * D(2, 1) + 1 * D(2, 2) + 2 * D(1, 4)) / 3.5, w.LossValue!.Value, 6);
        Assert.Equal(4, v.LiveError!.Labels); // the plain figures count every labelled row
        // Alert rules on the weighted figures: the deviance, and the label count they need (3 rows carried a weight).
        var rules = new[] { AlertRule.Parse("live.weighted_error > 1 over 3 labels"), AlertRule.Parse("live.weighted_error > 1 over 4 labels") };
        var alerts = (await new ModelMonitor(store.Registry).ReportAsync("claims", Window, rules)).Alerts;
        Assert.Equal(["live.weighted_error > 1 over 3 labels"], alerts.Select(a => a.Rule.Text).Distinct());
        Assert.Contains("on 3 labels", alerts[0].Message);

        // A classifier: weighted accuracy; a model without a weight column has none.
        await store.RegisterTaskModelAsync("churn", new TaskSpec(TaskKind.Binary), ["no", "yes"], 1, new() { ["weight_column"] = "value" });
        await store.LogLabelledRowsAsync("churn", T0.AddSeconds(20), ("yes", "yes", """{"value":3}"""), ("no", "yes", """{"value":1}"""));
        var churn = await new ModelMonitor(store.Registry).ReportAsync("churn", Window, [AlertRule.Parse("live.weighted_accuracy < 80% over 2 labels")]);
        Assert.Equal(0.75, churn.Versions.Single().Weighted!.Accuracy!.Value, 12);
        Assert.NotEmpty(churn.Alerts);
        await using var plain = await RegressionAsync();
        Assert.Null((await new ModelMonitor(plain.Registry).ReportAsync("house", Window)).Versions.Single().Weighted);
    }

    [Fact]
    public async Task A_regressor_trained_with_another_loss_also_reports_that_loss_live()
    {
        await using var store = await RegressionAsync("quantile=0.8");
        var e = (await new ModelMonitor(store.Registry).ReportAsync("house", Window)).Versions.Single().LiveError!;
        // (predicted, true): (1, 2) (3, 3) (5, 2) and (10, 10) (20, 16) (1, 0); pinball at 0.8: 0.8, 0, 0.6, 0, 0.8, 0.2 over 6.
        Assert.Equal("pinball loss (q = 0.8)", e.LossMetric);
        Assert.Equal(0.4, e.LossValue!.Value, 12);
        await using var plain = await RegressionAsync();
        Assert.Null((await new ModelMonitor(plain.Registry).ReportAsync("house", Window)).Versions.Single().LiveError!.LossValue);
    }

    [Fact]
    public async Task A_regression_version_reports_mae_and_rmse_per_target_and_their_mean_and_counts_unparseable_rows()
    {
        await using var store = await RegressionAsync();
        var report = await new ModelMonitor(store.Registry).ReportAsync("house", Window);
        var v1 = report.Versions.Single();

        Assert.Equal(("regression", 2), (v1.Task, v1.SkippedLabels));
        Assert.Null(v1.Accuracy);
        Assert.Empty(v1.ClassDistribution);
        var e = v1.LiveError!;
        Assert.Equal(3, e.Labels);
        // price errors -1, 0, 3: MAE 4/3, RMSE sqrt(10/3); area errors 0, 4, 1: MAE 5/3, RMSE sqrt(17/3).
        Assert.Equal(["price", "area"], e.Targets.Select(t => t.Name));
        Assert.Equal(4.0 / 3, e.Targets[0].Mae, 12);
        Assert.Equal(Math.Sqrt(10.0 / 3), e.Targets[0].Rmse, 12);
        Assert.Equal(5.0 / 3, e.Targets[1].Mae, 12);
        Assert.Equal(Math.Sqrt(17.0 / 3), e.Targets[1].Rmse, 12);
        Assert.Equal(1.5, e.Mae, 12);
        Assert.Equal((Math.Sqrt(10.0 / 3) + Math.Sqrt(17.0 / 3)) / 2, e.Rmse, 12);
        // True values at or under the prediction (error >= 0): prices 2 of 3, areas 3 of 3.
        Assert.Equal(5.0 / 6, e.Coverage!.Value, 12);
        // One version: the pooled report scores the same rows.
        Assert.Equal((e.Labels, e.Mae, e.Rmse), (report.Overall.LiveError!.Labels, report.Overall.LiveError.Mae, report.Overall.LiveError.Rmse));
        Assert.Equal(e.Targets, report.Overall.LiveError.Targets);

        // The timeline carries the MAE where a classifier's carries accuracy: all feedback arrived at T0 + 11 s, in the first bucket.
        var timeline = await new ModelMonitor(store.Registry).TimelineAsync("house", Window, 2);
        Assert.Equal([(3, null, 1.5), (0, null, null)], timeline.Select(p => (p.Labels, p.Accuracy, p.Mae)));
    }

    [Fact]
    public async Task A_multiclass_version_is_scored_as_before_with_no_task_extras()
    {
        await using var store = await CreateAsync();
        await store.LogAsync(Prediction("p1", 1, T0.AddSeconds(1), 1, "dog"), Prediction("p2", 1, T0.AddSeconds(2), 1, "cat"));
        await store.LabelAsync("p1", "dog", T0.AddSeconds(3));
        await store.LabelAsync("p2", "bird", T0.AddSeconds(3));
        var v1 = (await new ModelMonitor(store.Registry).ReportAsync(Model, Window)).Versions.Single();

        Assert.Equal(("multiclass", 0), (v1.Task, v1.SkippedLabels));
        Assert.Null(v1.LiveError);
        Assert.Equal(new LiveAccuracy(2, 0.5, v1.Accuracy!.Classes), v1.Accuracy);
        Assert.Equal([new ClassAccuracy("cat", 0, 0, 0), new ClassAccuracy("dog", 1, 1, 1), new ClassAccuracy("bird", 0, 0, 1)], v1.Accuracy.Classes);
    }

    [Fact]
    public void A_folder_without_a_readable_model_json_is_monitored_as_multiclass()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lepton-monitoring-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Assert.Same(MonitoredTask.Multiclass, MonitoredTask.Load(dir));
            File.WriteAllText(Path.Combine(dir, "model.json"), "{ not json");
            Assert.Same(MonitoredTask.Multiclass, MonitoredTask.Load(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Rules_on_the_new_live_metrics_fire_on_the_tasks_that_have_them()
    {
        await using var regression = await RegressionAsync();
        var rules = new[] { AlertRule.Parse("live.mae > 1.4"), AlertRule.Parse("live.rmse > 3"), AlertRule.Parse("live.f1 < 0.9"), AlertRule.Parse("accuracy < 0.99") };
        var report = await new ModelMonitor(regression.Registry).ReportAsync("house", Window, rules);
        // Only live.mae holds (1.5), on version 1 and pooled; a regressor has no F1 or accuracy to alert on.
        Assert.Equal([("live.mae", 1), ("live.mae", null)], report.Alerts.Select(a => (a.Rule.Metric, a.Version)));
        Assert.Equal("house@1: live.mae is 1.5 on 3 labels, which breaks 'live.mae > 1.4'.", report.Alerts[0].Message);
        Assert.Empty((await new ModelMonitor(regression.Registry).ReportAsync("house", Window, [AlertRule.Parse("live.mae > 1 over 4 labels")])).Alerts);

        await using var tags = await MultiLabelAsync();
        var fired = (await new ModelMonitor(tags.Registry).ReportAsync("tags", Window, rules)).Alerts;
        // Micro F1 0.8 < 0.9 and subset accuracy 0.5 < 0.99; no error metrics for a classifier.
        Assert.Equal([("live.f1", 1), ("live.f1", null), ("accuracy", 1), ("accuracy", null)], fired.Select(a => (a.Rule.Metric, a.Version)));
        Assert.Equal(0.8, fired[0].Value, 12);
    }

    [Fact]
    public async Task The_metrics_endpoint_shows_f1_and_error_gauges_for_the_tasks_that_have_them()
    {
        await using var store = await RegressionAsync();
        await store.RegisterTaskModelAsync("tags", new TaskSpec(TaskKind.MultiLabel), ["red", "large", "round"], 3);
        await store.LogLabelledAsync("tags", DateTimeOffset.UtcNow.AddSeconds(-30), ("[\"red\"]", "[\"red\",\"round\"]"));
        await store.LogLabelledAsync("house", DateTimeOffset.UtcNow.AddSeconds(-30), ("[1,2]", "[3,2]"), ("[1,2]", "x"));
        await using var monitor = new AlertMonitor(new ModelMonitor(store.Registry), store.Store, ["house", "tags"],
            new MonitoringOptions(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), [AlertRule.Parse("live.mae > 0.5")]));
        await monitor.CheckOnceAsync(CancellationToken.None);
        var text = new PrometheusText();
        monitor.Write(text);
        string metrics = text.ToString();

        // house: one row scored (errors 2 and 0: MAE 1, RMSE 1), one skipped; tags: one row, micro F1 = 2 * 1 / (1 + 2).
        Assert.Contains("lepton_alert_firing{model=\"house\",rule=\"live.mae > 0.5\"} 1\n", metrics);
        Assert.Contains("lepton_live_mae{model=\"house\",version=\"1\"} 1\n", metrics);
        Assert.Contains("lepton_live_rmse{model=\"house\",version=\"1\"} 1\n", metrics);
        Assert.Contains("lepton_live_labels{model=\"house\",version=\"1\"} 1\n", metrics);
        Assert.Contains("lepton_live_labels_skipped{model=\"house\",version=\"1\"} 1\n", metrics);
        Assert.Contains("lepton_live_f1{model=\"tags\",version=\"1\"} 0.666666", metrics);
        Assert.Contains("lepton_live_accuracy{model=\"tags\",version=\"1\"} 0\n", metrics);
        Assert.DoesNotContain("lepton_live_accuracy{model=\"house\"", metrics);
        Assert.DoesNotContain("lepton_live_mae{model=\"tags\"", metrics);
    }
}
