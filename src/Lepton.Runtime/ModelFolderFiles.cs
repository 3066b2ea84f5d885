namespace Lepton.Runtime;

/// <summary>Names of the optional files a model folder may carry besides what its predictor kind loads.</summary>
public static class ModelFolderFiles
{
    /// <summary>Held-out evaluation (accuracy, per-class metrics, confusion matrix) written by training, read by the dashboard.</summary>
    public const string Evaluation = "evaluation.json";
}
