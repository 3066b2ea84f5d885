using Lepton.Data.Images.Datasets;
using Lepton.Data.Text;
using Lepton.Training.Workflows.Text;

namespace Lepton.Training.Workflows.CrossValidation;

/// <summary>
/// K-fold cross-validation of a text recipe on a text version's training texts (its test split, or the hashed share standing
/// in for one, is left out): the texts are dealt into folds stratified by their first label (the recipe's seed), and each fold
/// is a whole <see cref="TextTraining"/> run on a copy of the version whose held fold is the test split and whose other
/// texts are set aside, so every fold trains its own tokenizer on its own training texts, as a real run would.
/// </summary>
public static class TextCrossValidation
{
    public static CrossValidationResult Run(TextCorpus corpus, string datasetRef, TextRecipe recipe, int folds, string workDirectory,
        Action<int>? onFoldStart = null, Action<FoldOutcome>? onFold = null, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        var (train, _) = TextTrainingSplits.Split(corpus, (int)recipe.Seed);
        var classes = corpus.Manifest.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var assignment = StratifiedFolds.Assign([.. train.Select(x => classes.GetValueOrDefault(x.Item.Labels[0]))], folds, recipe.Seed);
        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < train.Count; i++) foldOf[train[i].Item.Path] = assignment[i];
        var outcomes = new List<FoldOutcome>();
        for (int fold = 0; fold < folds && !ct.IsCancellationRequested; fold++)
        {
            onFoldStart?.Invoke(fold);
            // Validation texts are neither trained on nor tested: the version's own test texts (and any not in training) go there.
            var items = corpus.Manifest.Items.Select(item => item with
            {
                Split = foldOf.TryGetValue(item.Path, out int f) ? (f == fold ? ImageSplits.Test : ImageSplits.Train) : ImageSplits.Validation,
            }).ToList();
            var outcome = TextTraining.Run(corpus.WithManifest(corpus.Manifest with { Items = items }), datasetRef, recipe,
                Path.Combine(workDirectory, $"fold-{fold + 1}"), log, ct);
            if (outcome.Cancelled) break;
            var metrics = outcome.TestMetrics.Where(m => m.Key.StartsWith("test_", StringComparison.Ordinal))
                .ToDictionary(m => m.Key["test_".Length..], m => m.Value);
            int held = assignment.Count(a => a == fold);
            var result = new FoldOutcome(fold, train.Count - held, held, metrics);
            outcomes.Add(result);
            onFold?.Invoke(result);
        }
        return new CrossValidationResult(folds, recipe.Seed, outcomes) { Cancelled = outcomes.Count < folds };
    }
}
