using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Rendering;
using Lepton.Factory.Loop;
using Lepton.Factory.Recipes;
using Lepton.Monitoring;
using Lepton.Registry;
using Lepton.Registry.Cluster;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton loop MODEL</c>: feedback → new dataset version → challenger → champion vs challenger → canary → promote or keep.</summary>
public static class LoopCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model")
        {
            Description = "Registered model name whose production version is the champion (default with --recipe: the recipe's name).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var recipe = new Option<string?>("--recipe") { Description = "Take the policy from a lepton.yaml (loop:, gates:, serve.canary, data:); options given here override it." };
        var mode = new Option<string>("--mode") { Description = "fine-tune (start from the champion's weights) or scratch.", DefaultValueFactory = _ => "fine-tune" };
        mode.AcceptOnlyFromAmong("fine-tune", "scratch");
        var epochs = new Option<int>("--epochs") { Description = "Challenger training epochs.", DefaultValueFactory = _ => 3 };
        var lr = new Option<double>("--lr") { Description = "Challenger learning rate (Adam).", DefaultValueFactory = _ => 1e-3 };
        var margin = new Option<double>("--margin") { Description = "Accuracy by which the challenger must beat the champion on held-out feedback (a table regressor: the share by which its RMSE must be lower, 0.01 = 1%).", DefaultValueFactory = _ => 0.01 };
        var minAccuracy = new Option<double>("--min-accuracy") { Description = "The challenger's minimum accuracy on the base test set (classifiers).", DefaultValueFactory = _ => 0.0 };
        var maxRecallDrop = new Option<double>("--max-recall-drop") { Description = "Largest drop of any class's recall allowed (feedback holdout and base test); for a table regressor, the largest rise of its RMSE as a share (0.02 = 2%).", DefaultValueFactory = _ => 0.02 };
        var recallCheck = new Option<string>("--recall-check")
        {
            Description = "Where the recall-drop gate applies: both, feedback (holdout only), base (test set only) or none. Under strong drift the base test check may keep a good challenger out.",
            DefaultValueFactory = _ => "both",
        };
        recallCheck.AcceptOnlyFromAmong("both", "feedback", "base", "none");
        var canaryWindow = new Option<string>("--canary-window") { Description = "How long the canary is watched (e.g. 90s, 10m); 0 promotes straight after the gate.", DefaultValueFactory = _ => "10m" };
        var minFeedback = new Option<int>("--min-feedback") { Description = "Usable labelled feedback needed before retraining.", DefaultValueFactory = _ => 50 };
        var baseSample = new Option<int>("--base-sample") { Description = "Base training examples mixed with the feedback.", DefaultValueFactory = _ => 6000 };
        var watch = new Option<bool>("--watch") { Description = "Keep running: retrain when an alert fires for the model, or every --every." };
        var every = new Option<string?>("--every") { Description = "With --watch: also run on this schedule (e.g. 1h)." };
        var baseData = new Option<string?>("--base-data")
        {
            Description = "The data the champion was trained on, mixed with the feedback: fashion-mnist (default) or an image data set (NAME or NAME@V).",
        };
        var groups = new Option<string?>("--groups") { Description = "A yes/no table model: judge the challenger's decisions on the base test rows across the groups of these columns (home,age), as lepton eval --groups." };
        var favorable = new Option<string?>("--favorable") { Description = "With --groups: the class the decision grants (default: the model's second)." };
        var minSelectionRatio = new Option<double?>("--min-selection-ratio") { Description = "With --groups: the challenger's lowest group selection rate over its highest must reach this (0.8: the four-fifths rule)." };
        var maxOpportunityDifference = new Option<double?>("--max-opportunity-difference") { Description = "With --groups: the challenger's groups' true-positive rates may differ by at most this." };
        var dataDir = CommonOptions.DataDir();
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("loop",
            "Retrain from feedback: record the labelled feedback as a dataset version, train a challenger, compare it with the champion on the base " +
            "test set and held-out feedback, and promote it (through a canary on the staging alias) or keep the champion. Every decision is recorded.\n\n" +
            "Examples:\n  lepton loop fashion --canary-window 0\n  lepton loop --recipe lepton.yaml --watch\n  lepton loop fashion --mode scratch --epochs 5 --margin 0.02\n  lepton loop fashion --watch --every 1h\n  lepton loop credit --groups home,age --favorable no --min-selection-ratio 0.8");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { recipe, mode, epochs, lr, margin, minAccuracy, maxRecallDrop, recallCheck, canaryWindow, minFeedback, baseSample, watch, every, baseData, groups, favorable, minSelectionRatio, maxOpportunityDifference, dataDir, store, json })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var fromRecipe = p.GetValue(recipe) is { } path ? RecipeLoader.Load(path) : null;
            var basis = fromRecipe?.ToLoopPolicy() ?? new LoopPolicy
            {
                Model = p.GetValue(model) ?? throw new ArgumentException("Name the model to retrain (lepton loop fashion) or give --recipe lepton.yaml."),
            };
            // With a recipe, only the options typed on the command line override it; without one, every option applies.
            bool Given(Option o) => fromRecipe is null || p.GetResult(o) is { Implicit: false };
            var policy = basis with
            {
                Model = p.GetValue(model) ?? basis.Model,
                Mode = Given(mode) ? (p.GetValue(mode) == "scratch" ? LoopMode.Scratch : LoopMode.FineTune) : basis.Mode,
                Epochs = Given(epochs) ? p.GetValue(epochs) : basis.Epochs,
                LearningRate = Given(lr) ? p.GetValue(lr) : basis.LearningRate,
                Margin = Given(margin) ? p.GetValue(margin) : basis.Margin,
                MinAccuracy = Given(minAccuracy) ? p.GetValue(minAccuracy) : basis.MinAccuracy,
                MaxClassRecallDrop = Given(maxRecallDrop) ? p.GetValue(maxRecallDrop) : basis.MaxClassRecallDrop,
                RecallCheckSets = !Given(recallCheck) ? basis.RecallCheckSets : p.GetValue(recallCheck) switch
                {
                    "feedback" => RecallCheckSets.FeedbackHoldout,
                    "base" => RecallCheckSets.BaseTest,
                    "none" => RecallCheckSets.None,
                    _ => RecallCheckSets.Both,
                },
                CanaryWindow = Given(canaryWindow) ? Duration(p.GetValue(canaryWindow)!, "--canary-window") : basis.CanaryWindow,
                MinFeedback = Given(minFeedback) ? p.GetValue(minFeedback) : basis.MinFeedback,
                BaseSampleSize = Given(baseSample) ? p.GetValue(baseSample) : basis.BaseSampleSize,
                DataDir = p.GetValue(dataDir) ?? basis.DataDir,
                BaseData = p.GetValue(baseData) ?? basis.BaseData,
                Groups = GroupBounds.Override(basis.Groups, p.GetValue(groups), p.GetValue(favorable), p.GetValue(minSelectionRatio), p.GetValue(maxOpportunityDifference)),
            };
            policy.Validate();
            TimeSpan? schedule = p.GetValue(every) is { } e ? Duration(e, "--every") : fromRecipe?.Schedule();
            if (p.GetValue(every) is not null && !p.GetValue(watch)) throw new ArgumentException("--every only applies with --watch; drop it to run once now.");
            bool asJson = p.GetValue(json);
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store) ?? fromRecipe?.Store, ct);
            var loop = new ClosedLoop(registry);
            var progress = new LineProgress(asJson);
            if (!p.GetValue(watch))
            {
                Show(await loop.RunOnceAsync(policy, RegistryOptions.Actor, progress, ct), asJson);
                return 0;
            }
            await WatchAsync(registry, loop, policy, schedule, progress, asJson, ct);
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// Runs the loop whenever an alert for the model fires (or the schedule comes round) until cancelled; shared with lepton run --serve.
    /// Watchers of one model on a shared store elect a leader ("loop:MODEL"), so only one retrains and another takes over when it dies.
    /// </summary>
    internal static async Task WatchAsync(ModelRegistry registry, ClosedLoop loop, LoopPolicy policy, TimeSpan? schedule, IProgress<string> progress, bool asJson,
        CancellationToken ct)
    {
        var trigger = new LoopTrigger(registry.Store);
        var pause = schedule is { } s && s < TimeSpan.FromMinutes(1) ? s : TimeSpan.FromMinutes(1);
        await using var leader = StoreCluster.Leader(registry.Store, "loop:" + policy.Model);
        leader.Start();
        progress.Report($"watching {policy.Model}: the loop runs when an alert fires" + (schedule is { } sc ? $" or every {sc}" : "") + " (Ctrl+C to stop)");
        // A fresh election needs a moment to reach the store; without the wait every start would first report "another process leads".
        for (int i = 0; i < 20 && !leader.IsLeader; i++) await Task.Delay(100, ct);
        bool? leading = null;
        while (!ct.IsCancellationRequested)
        {
            if (leader.IsLeader != leading)
            {
                leading = leader.IsLeader;
                if (leading == true && StoreCluster.IsShared(registry.Store)) progress.Report($"this process leads the loop for {policy.Model}");
                else if (leading == false) progress.Report($"another process leads the loop for {policy.Model}; this one waits and takes over if it stops");
            }
            if (leading == false)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }
            var check = await trigger.CheckAsync(policy.Model, schedule, false, ct);
            if (check.ShouldRun) Show(await loop.RunOnceAsync(policy, check, RegistryOptions.Actor, progress, ct), asJson);
            await Task.Delay(pause, ct);
        }
    }

    /// <summary>A duration such as 90s, 10m, 2h; "0" (or 0s/0m) is zero.</summary>
    internal static TimeSpan Duration(string text, string option)
    {
        try
        {
            return MonitorWindow.ParseDuration(text, allowZero: true);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{option}: {ex.Message}");
        }
    }

    private static void Show(LoopOutcome outcome, bool asJson)
    {
        if (asJson)
        {
            JsonOut.Write(new
            {
                result = outcome.Result, outcome.Model, champion = outcome.ChampionVersion, challenger = outcome.ChallengerVersion, outcome.Reason,
                dataset = outcome.Dataset?.DatasetRef, run_id = outcome.Challenger?.RunId, outcome.Evaluation, gate = outcome.Gate?.Checks,
                canary = outcome.Canary?.Observation, decisions = outcome.Decisions,
            });
            return;
        }
        var c = AnsiConsole.Console;
        if (outcome.Evaluation is { } e)
        {
            // A weight-column champion is judged as its loss counts the rows.
            string title = e.ChampionBaseTest.WeightColumn is { } w ? $"champion vs challenger (each row weighted by {w})" : "champion vs challenger";
            var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
                .AddColumns("", $"champion v{e.ChampionVersion}", $"challenger v{e.ChallengerVersion}", "change");
            if (e.ChampionBaseTest.IsRegression)
            {
                // The loss's own metric (a deviance, the pinball loss) is what the loop judged; RMSE always shows beside it.
                if (e.ChampionBaseTest.LossMetric is { } metric)
                {
                    Row(t, $"feedback holdout {metric}", e.ChampionHoldout?.LossValue, e.ChallengerHoldout?.LossValue, Data.NumberText.Readable);
                    Row(t, $"base test {metric}", e.ChampionBaseTest.LossValue, e.ChallengerBaseTest.LossValue, Data.NumberText.Readable);
                }
                Row(t, "feedback holdout RMSE", e.ChampionHoldout?.Rmse, e.ChallengerHoldout?.Rmse, Data.NumberText.Readable);
                Row(t, "base test RMSE", e.ChampionBaseTest.Rmse, e.ChallengerBaseTest.Rmse, Data.NumberText.Readable);
            }
            else
            {
                Row(t, "feedback holdout accuracy", e.ChampionHoldout?.Accuracy, e.ChallengerHoldout?.Accuracy);
                Row(t, "base test accuracy", e.ChampionBaseTest.Accuracy, e.ChallengerBaseTest.Accuracy);
            }
            if (outcome.Canary is { } k)
            {
                Row(t, "canary error rate", k.Observation.Champion.ErrorRate, k.Observation.Canary.ErrorRate);
                if (e.ChampionBaseTest.IsRegression) Row(t, "canary live RMSE", k.Observation.Champion.Rmse, k.Observation.Canary.Rmse, Data.NumberText.Readable);
                else Row(t, "canary live accuracy", k.Observation.Champion.Accuracy, k.Observation.Canary.Accuracy);
            }
            c.Write(t);
        }
        string color = outcome.Result switch { LoopResult.Promoted => "green", LoopResult.Skipped => "grey", _ => "yellow" };
        c.MarkupLine($"[bold {color}]{outcome.Result.ToString().ToLowerInvariant()}[/]: {Markup.Escape(outcome.Reason)}");
    }

    private static void Row(Table t, string name, double? champion, double? challenger, Func<double, string>? format = null)
    {
        format ??= v => v.ToString("0.000", CultureInfo.InvariantCulture);
        string change = champion is { } a && challenger is { } b ? (b - a >= 0 ? "+" : "") + format(b - a) : "-";
        t.AddRow(name, champion is { } x ? format(x) : "-", challenger is { } y ? format(y) : "-", change);
    }

    /// <summary>Prints each step as it happens (to stderr with --json, so standard output stays one JSON document).</summary>
    internal sealed class LineProgress(bool toStderr) : IProgress<string>
    {
        public void Report(string value)
        {
            if (toStderr) Console.Error.WriteLine(value);
            else AnsiConsole.Console.MarkupLine(Markup.Escape(value));
        }
    }
}
