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

    // Each encoding's training rows carry the recipe's row weights (reweighing), so every learner, fold and held-out share sees them.
    public TableTrainingSet this[EncoderMode mode] =>
        _sets.TryGetValue(mode, out var set) ? set
            : _sets[mode] = recipe is null ? TableTrainingSet.Build(data.Table, data.Schema, data.Splits, new EncoderOptions(mode))
                : recipe.WithRowWeights(data, TableTrainingSet.Build(data.Table, data.Schema, data.Splits, new EncoderOptions(mode)));
}
