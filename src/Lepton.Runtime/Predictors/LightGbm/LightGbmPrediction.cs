namespace Lepton.Runtime.LightGbm;

/// <summary>What a booster predicts (LightGBM's <c>C_API_PREDICT_*</c>).</summary>
public enum LightGbmPrediction
{
    /// <summary>Probabilities for classifiers (sigmoid, softmax), values for regressors.</summary>
    Normal = LightGbmNative.PredictNormal,

    /// <summary>Raw scores before the objective's transform: a logit (binary), K logits whose softmax is the probabilities (multiclass), the value (regression).</summary>
    RawScore = LightGbmNative.PredictRawScore,

    /// <summary>TreeSHAP feature contributions in raw-score space: per class, one per feature then the expected value (bias).</summary>
    Contributions = LightGbmNative.PredictContrib,
}
