using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;

namespace Lepton.Factory.Loop;

public sealed partial class ClosedLoop
{
    // A table champion (classifier or regressor): the logged rows with their feedback labels join its base table in a table data
    // set version, a tree challenger is trained on it, both are scored on the base test rows and the feedback holdout (accuracy
    // and recalls, or RMSE); the gate and canary are shared.
    private async Task<LoopOutcome> RunTableStepsAsync(LoopPolicy policy, ResolvedModel champion, TriggerCheck trigger, LoopDecisionLog log, string actor,
        IProgress<string>? progress, CancellationToken ct)
    {
        int championVersion = champion.Version!.Version;
        string trainedOn = champion.Version.DatasetRef
                           ?? throw new InvalidOperationException($"{champion.Display} records no data set version, so the loop cannot retrain it on its base rows; retrain it with lepton train --data NAME@V --register {policy.Model}.");
        // A champion trained by an earlier loop names a -feedback version: its base is the data set that version was made from,
        // and the feedback it held is collected again from the log, so nothing is stacked twice.
        var trainedVersion = await DatasetReference.Parse(trainedOn).ResolveAsync(registry.Store, ct);
        string baseRef = trainedVersion.Name == FeedbackDataset.NameFor(policy.Model) && TableDatasets.SourceOf(trainedVersion) is { Length: > 0 } source ? source : trainedOn;
        var baseData = await TableDatasets.LoadAsync(registry.Store, registry.Artifacts, DatasetReference.Parse(baseRef), ct);
        string specPath = Path.Combine(champion.Folder, ModelFile.SpecFileName);
        var spec = ModelSpec.FromJson(File.ReadAllText(specPath), specPath); // a LightGBM folder has no weights.safetensors
        if (policy.Groups is not null && spec.ClassNames.Count != 2)
            throw new ArgumentException($"The loop's groups judge a yes/no table decision; {policy.Model} {(spec.ClassNames.Count < 2 ? "predicts a number" : $"has {spec.ClassNames.Count} classes")}. Remove the groups from the policy.");
        var feedback = await Tables.TableFeedbackCollector.CollectAsync(registry.Store, policy.Model, spec.ClassNames, policy.FeedbackHoldoutFraction, ct);
        var counts = new { usable = feedback.Count, train = feedback.Train.Count, holdout = feedback.Holdout.Count, feedback.Counts, min_feedback = policy.MinFeedback };
        if (feedback.Count < policy.MinFeedback)
        {
            string why = $"Only {feedback.Count} usable labelled rows ({feedback.Counts.Labelled} labels, {feedback.Counts.WithoutRawInput} without a logged row, " +
                         $"{feedback.Counts.UnknownLabel} with {(spec.ClassNames.Count < 2 ? "a label that is not a number" : "an unknown label")}); {policy.MinFeedback} are needed, so nothing was trained.";
            return await SkipAsync(policy, championVersion, log, why, counts, ct);
        }
        var dataset = await Tables.TableLoopDataset.RecordAsync(registry, policy.Model, baseData, baseRef, (int)policy.Seed, feedback, actor, ct);
        if (await SkipIfTrainedOnAsync(policy, championVersion, log, trigger, dataset, counts, ct) is { } unchanged) return unchanged;
        await log.AddAsync("dataset", dataset.Created ? "recorded" : "reused", null,
            $"{dataset.DatasetRef}: the {baseRef} rows plus {feedback.Train.Count} feedback rows to train on and {feedback.Holdout.Count} held out (validation split)",
            new { dataset = dataset.DatasetRef, base_dataset = baseRef, counts }, ct);

        log.Step = "train";
        // The challenger reads what the champion reads: a column the champion was kept from (--exclude) stays out.
        var championColumns = Data.Tables.Encoding.EncoderSet.Load(Path.Combine(champion.Folder, Data.Tables.Encoding.EncoderSet.FileName)).Columns;
        var excluded = baseData.Schema.WithColumnsOf(baseData.Table).FeatureColumns().Except(championColumns, StringComparer.Ordinal).ToList();
        var challenger = await Tables.TableChallenger.TrainAsync(registry, policy, dataset, feedback.Train.Count, actor, ct, spec.Metadata, spec.Task.Loss, excluded);
        int challengerVersion = challenger.Version.Version;
        await log.AddAsync("train", "trained", challengerVersion,
            $"Challenger {policy.Model}@{challengerVersion} trained (gbdt on {challenger.TrainExamples} rows) in run {challenger.RunId}",
            new { version = challengerVersion, run_id = challenger.RunId, dataset = dataset.DatasetRef, challenger.TrainExamples, challenger.FeedbackExamples,
                seconds = challenger.Duration.TotalSeconds }, ct);

        log.Step = "evaluate";
        var challengerModel = await registry.ResolveAsync($"{policy.Model}@{challengerVersion}", ct);
        var evaluation = Tables.TableEvaluation.Compare(championVersion, champion.Folder, challengerVersion, challengerModel.Folder, baseData, feedback, policy);
        var report = spec.ClassNames.Count < 2
            ? await LoopComparisonReport.WriteTableRegressionAsync(registry, policy, champion, challengerModel, dataset.DatasetRef, ct)
            : await LoopComparisonReport.WriteAsync(registry, policy, champion, challengerModel, () => LoopComparisonReport.TableRows(registry, dataset.DatasetRef, ct), ct);
        evaluation = evaluation with { Report = report.Path };
        if (policy.Groups is { } groups)
        {
            async Task<IReadOnlyList<GroupFigures>> Figures(ResolvedModel m) =>
                [.. (await Reports.Tables.TableFairness.DecisionsAsync(new Reports.ReportModel(m.Display, m.Folder, m.Version), baseData, groups.Options, registry.Store, ct)).Select(GroupFigures.Of)];
            evaluation = evaluation with { ChampionGroups = await Figures(champion), ChallengerGroups = await Figures(challengerModel) };
        }
        await log.AddAsync("evaluate", "measured", challengerVersion,
            Measured(evaluation, report), evaluation, ct);
        return await DecideAsync(policy, championVersion, log, dataset, challenger, evaluation, actor, progress, ct);
    }
}
