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

    // The recipe's row weights (reweighing), computed once: every encoding keeps the same training rows in the same order.
    private float[]? _weights;

    // Each encoding's training rows carry the weights, so every learner, fold and held-out share sees them.
    public TableTrainingSet this[EncoderMode mode]
    {
        get
        {
            if (_sets.TryGetValue(mode, out var set)) return set;
            set = TableTrainingSet.Build(data.Table, data.Schema, data.Splits, new EncoderOptions(mode));
            if (recipe?.Reweigh is not null)
            {
                _weights ??= recipe.RowWeights(data, set);
                set = set with { Train = set.Train with { Features = set.Train.Features with { Weights = _weights } } };
            }
            return _sets[mode] = set;
        }
    }
}
