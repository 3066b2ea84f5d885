using Lepton.Data.Tables;

namespace Lepton.Runtime;

/// <summary>A predictor that explains its raw outputs feature by feature (TreeSHAP for LightGBM boosters); safe to call beside <see cref="IPredictor.Predict"/>.</summary>
public interface IFeatureContributor
{
    /// <summary>Per-row contributions of each encoded feature to the raw outputs, plus the bias; they sum to the raw output.</summary>
    FeatureContributions Contributions(FeatureMatrix rows);
}
