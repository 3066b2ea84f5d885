using Lepton.NN.Serialization;
using Lepton.Registry;

namespace Lepton.Factory.Loop;

/// <summary>
/// The closed loop, once: gather labelled feedback → record it as a dataset version → train a challenger → evaluate champion
/// and challenger on the same sets → gate → (staging + canary → production or rollback) or keep the champion. Every step
/// writes a loop decision with its numbers and reason; too little feedback writes a "skipped" decision and trains nothing.
/// The canary is judged from the monitoring report unless another <see cref="ICanaryObserver"/> is given.
/// </summary>
public sealed partial class ClosedLoop(ModelRegistry registry, IBaseData? baseData = null, ICanaryObserver? canaryObserver = null, TimeProvider? time = null)
{
    public Task<LoopOutcome> RunOnceAsync(LoopPolicy policy, string actor, IProgress<string>? progress, CancellationToken ct) =>
        RunOnceAsync(policy, new TriggerCheck(true, "run by hand", "manual"), actor, progress, ct);

    public async Task<LoopOutcome> RunOnceAsync(LoopPolicy policy, TriggerCheck trigger, string actor, IProgress<string>? progress, CancellationToken ct)
    {
        policy.Validate();
        var champion = await registry.ResolveAsync($"{policy.Model}@{policy.ChampionAlias}", ct);
        int championVersion = champion.Version!.Version;
        var log = new LoopDecisionLog(registry.Store, policy.Model, championVersion, actor, progress);
        await log.AddAsync("trigger", trigger.Kind, null, $"{trigger.Reason}; champion is {champion.Display} ({policy.Model}@{policy.ChampionAlias})",
            new { trigger = trigger.Kind, champion = championVersion, policy = PolicyNumbers(policy) }, ct);
        try
        {
            return await RunStepsAsync(policy, champion, trigger, log, actor, progress, ct);
        }
        catch (OperationCanceledException)
        {
            await log.AddAsync(log.Step, "cancelled", null, $"The loop was cancelled during the {log.Step} step.", new { step = log.Step }, CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            await log.AddAsync(log.Step, "failed", null, $"The {log.Step} step failed: {ex.Message}", new { step = log.Step, error = ex.GetType().Name }, CancellationToken.None);
            throw;
        }
    }

    private async Task<LoopOutcome> RunStepsAsync(LoopPolicy policy, ResolvedModel champion, TriggerCheck trigger, LoopDecisionLog log, string actor, IProgress<string>? progress,
        CancellationToken ct)
    {
        int championVersion = champion.Version!.Version;
        log.Step = "dataset";
        bool table = File.Exists(Path.Combine(champion.Folder, Lepton.Data.Tables.Encoding.EncoderSet.FileName));
        if (policy.Groups is not null && !table)
            throw new ArgumentException($"The loop's groups judge a yes/no table decision; {champion.Display} is not a table model. Remove the groups from the policy.");
        if (File.Exists(Path.Combine(champion.Folder, Training.Workflows.Text.TextTraining.TokenizerFile)))
            return await RunTextStepsAsync(policy, champion, trigger, log, actor, progress, ct);
        if (table) return await RunTableStepsAsync(policy, champion, trigger, log, actor, progress, ct);
        var spec = ModelFile.Load(champion.Folder).Spec;
        var feedback = await FeedbackCollector.CollectAsync(registry.Store, policy.Model, spec.ClassNames, spec.Input.Shape[1..], policy.FeedbackHoldoutFraction, ct);
        var counts = new { usable = feedback.Count, train = feedback.Train.Count, holdout = feedback.Holdout.Count, feedback.Counts, min_feedback = policy.MinFeedback };
        if (feedback.Count < policy.MinFeedback)
        {
            string why = $"Only {feedback.Count} usable labelled examples ({feedback.Counts.Labelled} labels, {feedback.Counts.WithoutRawInput} without a sampled raw input, " +
                         $"{feedback.Counts.UnknownLabel} with an unknown label, {feedback.Counts.Duplicates} duplicates); {policy.MinFeedback} are needed, so nothing was trained.";
            return await SkipAsync(policy, championVersion, log, why, counts, ct);
        }
        var dataset = await FeedbackDataset.RecordAsync(registry, policy.Model, feedback, champion.Version!.DatasetRef, actor, ct);
        if (await SkipIfTrainedOnAsync(policy, championVersion, log, trigger, dataset, counts, ct) is { } unchanged) return unchanged;
        await log.AddAsync("dataset", dataset.Created ? "recorded" : "reused", null,
            $"{dataset.DatasetRef}: {feedback.Train.Count} feedback examples to train on and {feedback.Holdout.Count} held out, on top of {champion.Version.DatasetRef ?? "the base data"}" +
            (dataset.Created ? "" : " (same examples as before, so the existing version is reused)"),
            new { dataset = dataset.DatasetRef, base_dataset = champion.Version.DatasetRef, artifacts = dataset.ArtifactHashes, counts, class_counts = feedback.ClassCounts() }, ct);

        log.Step = "train";
        var data = baseData ?? ImageDatasetBaseData.For(policy, registry);
        var challenger = await new ChallengerTrainer(registry).TrainAsync(policy, champion, data, feedback, dataset, actor, progress, ct);
        int challengerVersion = challenger.Version.Version;
        await log.AddAsync("train", "trained", challengerVersion,
            $"Challenger {policy.Model}@{challengerVersion} trained ({policy.Mode}, {challenger.Epochs} epochs on {challenger.TrainExamples} examples, final loss {challenger.FinalLoss:F4}) in run {challenger.RunId}",
            new
            {
                version = challengerVersion, run_id = challenger.RunId, dataset = dataset.DatasetRef, challenger.TrainExamples, challenger.FeedbackExamples,
                challenger.Epochs, challenger.FinalLoss, challenger.BaseTestAccuracy, seconds = challenger.Duration.TotalSeconds,
            }, ct);

        log.Step = "evaluate";
        var challengerModel = await registry.ResolveAsync($"{policy.Model}@{challengerVersion}", ct);
        var evaluation = ChampionChallengerEvaluation.Compare(championVersion, champion.Folder, challengerVersion, challengerModel.Folder, data.Load(), feedback, policy);
        var report = await LoopComparisonReport.WriteAsync(registry, policy, champion, challengerModel,
            () => Task.FromResult(LoopComparisonReport.ImageHoldout(feedback, dataset.DatasetRef)), ct);
        evaluation = evaluation with { Report = report.Path };
        await log.AddAsync("evaluate", "measured", challengerVersion,
            Measured(evaluation, report), evaluation, ct);

        return await DecideAsync(policy, championVersion, log, dataset, challenger, evaluation, actor, progress, ct);
    }

    // A text champion: the feedback's sampled texts join its base texts in a text data set version, a challenger is trained
    // with its recipe, and both are scored on its base test texts and the feedback holdout; the gate and canary are shared.
    private async Task<LoopOutcome> RunTextStepsAsync(LoopPolicy policy, ResolvedModel champion, TriggerCheck trigger, LoopDecisionLog log, string actor,
        IProgress<string>? progress, CancellationToken ct)
    {
        int championVersion = champion.Version!.Version;
        string baseRef = champion.Version.DatasetRef
                         ?? throw new InvalidOperationException($"{champion.Display} records no data set version, so the loop cannot retrain it on its base texts; retrain it with lepton train --data NAME@V --register {policy.Model}.");
        var baseCorpus = await Registry.Datasets.Text.TextDatasets.LoadAsync(registry.Store, registry.Artifacts, Registry.References.DatasetReference.Parse(baseRef), ct);
        var spec = ModelFile.Load(champion.Folder).Spec;
        var feedback = await Text.TextFeedbackCollector.CollectAsync(registry.Store, policy.Model, spec.ClassNames, policy.FeedbackHoldoutFraction, ct);
        var counts = new { usable = feedback.Count, train = feedback.Train.Count, holdout = feedback.Holdout.Count, feedback.Counts, min_feedback = policy.MinFeedback };
        if (feedback.Count < policy.MinFeedback)
        {
            string why = $"Only {feedback.Count} usable labelled texts ({feedback.Counts.Labelled} labels, {feedback.Counts.WithoutRawInput} without a sampled text, " +
                         $"{feedback.Counts.UnknownLabel} with an unknown label, {feedback.Counts.Duplicates} duplicates); {policy.MinFeedback} are needed, so nothing was trained.";
            return await SkipAsync(policy, championVersion, log, why, counts, ct);
        }
        // A champion trained by an earlier loop names a -feedback version: its texts are the base, and feedback already in it is
        // collected again from the log, so the data set drops the base's copy of any text the feedback holds.
        var dataset = await Text.TextLoopDataset.RecordAsync(registry, policy.Model, baseCorpus, (int)policy.Seed, feedback, actor, ct);
        if (await SkipIfTrainedOnAsync(policy, championVersion, log, trigger, dataset, counts, ct) is { } unchanged) return unchanged;
        await log.AddAsync("dataset", dataset.Created ? "recorded" : "reused", null,
            $"{dataset.DatasetRef}: the {baseRef} texts plus {feedback.Train.Count} feedback texts to train on and {feedback.Holdout.Count} held out (validation split)",
            new { dataset = dataset.DatasetRef, base_dataset = baseRef, counts }, ct);

        log.Step = "train";
        var challenger = await Text.TextChallenger.TrainAsync(registry, policy, champion, dataset, feedback.Train.Count, actor, progress, ct);
        int challengerVersion = challenger.Version.Version;
        await log.AddAsync("train", "trained", challengerVersion,
            $"Challenger {policy.Model}@{challengerVersion} trained ({challenger.Epochs} epochs on {challenger.TrainExamples} texts, final loss {challenger.FinalLoss:F4}) in run {challenger.RunId}",
            new { version = challengerVersion, run_id = challenger.RunId, dataset = dataset.DatasetRef, challenger.TrainExamples, challenger.FeedbackExamples, challenger.Epochs,
                challenger.FinalLoss, challenger.BaseTestAccuracy, seconds = challenger.Duration.TotalSeconds }, ct);

        log.Step = "evaluate";
        var challengerModel = await registry.ResolveAsync($"{policy.Model}@{challengerVersion}", ct);
        var evaluation = Text.TextEvaluation.Compare(championVersion, champion.Folder, challengerVersion, challengerModel.Folder, baseCorpus, feedback, policy);
        var report = await LoopComparisonReport.WriteAsync(registry, policy, champion, challengerModel,
            () => Task.FromResult(LoopComparisonReport.TextHoldout(feedback, spec.ClassNames, dataset.DatasetRef)), ct);
        evaluation = evaluation with { Report = report.Path };
        await log.AddAsync("evaluate", "measured", challengerVersion,
            Measured(evaluation, report), evaluation, ct);
        return await DecideAsync(policy, championVersion, log, dataset, challenger, evaluation, actor, progress, ct);
    }

    // The gate, then keep, promote straight away (canary window 0) or canary: the same for every modality.
    private async Task<LoopOutcome> DecideAsync(LoopPolicy policy, int championVersion, LoopDecisionLog log, FeedbackDatasetVersion dataset,
        ChallengerResult challenger, EvaluationComparison evaluation, string actor, IProgress<string>? progress, CancellationToken ct)
    {
        int challengerVersion = challenger.Version.Version;
        log.Step = "gate";
        var gate = PromotionDecision.Decide(policy, evaluation);
        await log.AddAsync("gate", gate.Verdict == GateVerdict.Promote ? "pass" : "fail", challengerVersion, gate.Reason, gate, ct);
        if (gate.Verdict == GateVerdict.Keep)
        {
            var kept = await log.AddAsync("keep", "champion-kept", challengerVersion, gate.Reason, new { gate.Checks }, ct);
            return new LoopOutcome(LoopResult.Kept, policy.Model, championVersion, challengerVersion, kept.Reason, dataset, challenger, evaluation, gate, null, log.Decisions);
        }
        if (policy.CanaryWindow == TimeSpan.Zero)
        {
            log.Step = "promote";
            await registry.PromoteAsync(policy.Model, challengerVersion, policy.ChampionAlias, actor, ct);
            var promoted = await log.AddAsync("promote", policy.ChampionAlias, challengerVersion,
                $"Canary skipped (window 0): {policy.Model}@{policy.ChampionAlias} -> v{challengerVersion} straight after the gate. {gate.Reason}", new { canary = "skipped", gate.Checks }, ct);
            return new LoopOutcome(LoopResult.Promoted, policy.Model, championVersion, challengerVersion, promoted.Reason, dataset, challenger, evaluation, gate, null, log.Decisions);
        }
        return await CanaryAsync(policy, championVersion, log, dataset, challenger, evaluation, gate, actor, progress, ct);
    }

    private async Task<LoopOutcome> CanaryAsync(LoopPolicy policy, int championVersion, LoopDecisionLog log, FeedbackDatasetVersion dataset,
        ChallengerResult challenger, EvaluationComparison evaluation, GateDecision gate, string actor, IProgress<string>? progress, CancellationToken ct)
    {
        int challengerVersion = challenger.Version.Version;
        var judge = new CanaryJudge(registry, canaryObserver ?? new MonitorCanaryObserver(new Monitoring.ModelMonitor(registry)), time);
        await registry.PromoteAsync(policy.Model, challengerVersion, policy.StagingAlias, actor, ct);
        await log.AddAsync("canary", "started", challengerVersion,
            $"{policy.Model}@{policy.StagingAlias} -> v{challengerVersion}; a server following it as its canary sends it {policy.CanaryFraction:P0} of traffic for {policy.CanaryWindow}",
            new { staging = policy.StagingAlias, canary_fraction = policy.CanaryFraction, window_seconds = policy.CanaryWindow.TotalSeconds }, ct);
        CanaryJudgement judgement;
        try
        {
            judgement = await judge.WatchAsync(policy, championVersion, challengerVersion, progress, ct);
        }
        catch (OperationCanceledException)
        {
            // A canary nobody watches any more must not keep taking traffic.
            await judge.ApplyAsync(policy, CanaryVerdict.Rollback, championVersion, challengerVersion, actor, CancellationToken.None);
            throw;
        }
        await log.AddAsync("canary", judgement.Verdict == CanaryVerdict.Promote ? "pass" : "fail", challengerVersion, judgement.Reason, judgement.Observation, ct);
        await judge.ApplyAsync(policy, judgement.Verdict, championVersion, challengerVersion, actor, ct);
        if (judgement.Verdict == CanaryVerdict.Promote)
        {
            var promoted = await log.AddAsync("promote", policy.ChampionAlias, challengerVersion,
                $"{policy.Model}@{policy.ChampionAlias} -> v{challengerVersion} after the canary. {judgement.Reason}", judgement.Observation, ct);
            return new LoopOutcome(LoopResult.Promoted, policy.Model, championVersion, challengerVersion, promoted.Reason, dataset, challenger, evaluation, gate, judgement, log.Decisions);
        }
        var rolled = await log.AddAsync("rollback", policy.StagingAlias, challengerVersion,
            $"{policy.Model}@{policy.StagingAlias} rolled back; {policy.Model}@{policy.ChampionAlias} stays v{championVersion}. {judgement.Reason}", judgement.Observation, ct);
        return new LoopOutcome(LoopResult.RolledBack, policy.Model, championVersion, challengerVersion, rolled.Reason, dataset, challenger, evaluation, gate, judgement, log.Decisions);
    }

    // "Base test: champion accuracy 0.912, challenger accuracy 0.920; feedback holdout: ..." (RMSE for regressors), then the report.
    private static string Measured(EvaluationComparison e, (string? Path, string? Problem) report) =>
        $"Base test: champion {SetScore.Headline(e.ChampionBaseTest)}, challenger {SetScore.Headline(e.ChallengerBaseTest)}; feedback holdout: " +
        $"champion {SetScore.Headline(e.ChampionHoldout)}, challenger {SetScore.Headline(e.ChallengerHoldout)}{LoopComparisonReport.Sentence(report)}";

    /// <summary>The newest version of the model trained on <paramref name="datasetRef"/>, if any.</summary>
    // Too little usable feedback: the loop writes why and trains nothing.
    private static async Task<LoopOutcome> SkipAsync(LoopPolicy policy, int championVersion, LoopDecisionLog log, string why, object counts, CancellationToken ct)
    {
        var skipped = await log.AddAsync("dataset", "skipped", null, why, counts, ct);
        return new LoopOutcome(LoopResult.Skipped, policy.Model, championVersion, null, skipped.Reason, null, null, null, null, null, log.Decisions);
    }

    // An alert or the schedule fired again but nothing new came in: retraining would repeat the last run, so the loop waits
    // (a run by hand retrains anyway); null when the loop goes on.
    private async Task<LoopOutcome?> SkipIfTrainedOnAsync(LoopPolicy policy, int championVersion, LoopDecisionLog log, TriggerCheck trigger,
        FeedbackDatasetVersion dataset, object counts, CancellationToken ct)
    {
        if (dataset.Created || trigger.Kind == "manual" || await TrainedOnAsync(policy.Model, dataset.DatasetRef, ct) is not { } earlier) return null;
        var same = await log.AddAsync("dataset", "skipped", null,
            $"No new feedback since {policy.Model}@{earlier} was trained on {dataset.DatasetRef}; waiting for more labels (run by hand to retrain anyway).",
            new { dataset = dataset.DatasetRef, trained_version = earlier, counts }, ct);
        return new LoopOutcome(LoopResult.Skipped, policy.Model, championVersion, null, same.Reason, dataset, null, null, null, null, log.Decisions);
    }

    private async Task<int?> TrainedOnAsync(string model, string datasetRef, CancellationToken ct) =>
        (await registry.Store.ListModelVersionsAsync(model, ct)).Where(v => v.DatasetRef == datasetRef).Select(v => (int?)v.Version).Max();

    private static object PolicyNumbers(LoopPolicy p) => new
    {
        mode = p.Mode.ToString(), p.Epochs, p.BatchSize, p.LearningRate, p.BaseSampleSize, p.FeedbackRepeat, p.MinFeedback, p.FeedbackHoldoutFraction,
        p.Margin, p.MinAccuracy, p.MaxClassRecallDrop, recall_check_sets = p.RecallCheckSets.ToString(), canary_window_seconds = p.CanaryWindow.TotalSeconds,
        p.CanaryFraction, p.CanaryMinRequests, p.CanaryMinLabels, p.MaxErrorRateIncrease, p.MaxAccuracyDrop,
        groups = p.Groups,
    };
}
