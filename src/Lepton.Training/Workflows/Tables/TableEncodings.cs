using Lepton.Data.Tables.Encoding;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// A table version's training set per column encoding, each built (its encoders fitted on the train split) the first time it
/// is asked for, so <c>auto</c> gives trees and linear learners their own encodings and a single learner builds one.
/// </summary>
internal sealed class TableEncodings(TableDatasetVersion data, TabularRecipe? recipe = null)
{
    private readonly Dictionary<EncoderMode, TableTrainingSet> _sets = [];

    // The recipe's row weights (a weight column, reweighing), computed once: every encoding keeps the same rows in the same order.
    private (float[]? Train, float[]? TrainColumn, float[]? Validation, float[]? Test)? _weights;

    // Each encoding's training rows carry the weights, so every learner, fold and held-out share sees them; a weight column's
    // validation and test rows carry theirs too (early stopping and the weighted metrics read them), and every split its column's
    // weights as the weights of its scores (auto's folds, a calibration and a threshold rule read the training rows').
    public TableTrainingSet this[EncoderMode mode]
    {
        get
        {
            if (_sets.TryGetValue(mode, out var set)) return set;
            set = TableTrainingSet.Build(data.Table, data.Schema, data.Splits, new EncoderOptions(mode));
            if (recipe is { Reweigh: not null } or { WeightColumn: not null })
            {
                var built = set;
                if (_weights is null)
                {
                    var column = recipe.SplitWeights(data, built.Train, "train");
                    _weights = (recipe.RowWeights(data, built, column), column, built.Validation is { } v ? recipe.SplitWeights(data, v, "validation") : null,
                        built.Test is { } t ? recipe.SplitWeights(data, t, "test") : null);
                }
                var (train, trainColumn, validation, test) = _weights.Value;
                set = set with
                {
                    Train = Weighted(set.Train, train, trainColumn)!,
                    Validation = Weighted(set.Validation, validation, validation),
                    Test = Weighted(set.Test, test, test),
                };
            }
            return _sets[mode] = set;
        }
    }

    private static EncodedSplit? Weighted(EncodedSplit? split, float[]? weights, float[]? scoreWeights) =>
        split is null || weights is null && scoreWeights is null ? split
            : split with { Features = split.Features with { Weights = weights, ScoreWeights = scoreWeights } };
}
