namespace Lepton.Factory.Deployment.Prometheus;

/// <summary>
/// The families <c>GET /metrics</c> of a Lepton server shows that the generated rules read: the HTTP layer's
/// (Serving's MetricsExporter) and the alert monitor's (Monitoring's AlertMetrics, present while the server checks alert rules).
/// </summary>
public static class LeptonMetricNames
{
    public const string HttpRequests = "lepton_http_requests_total";
    public const string HttpErrors = "lepton_http_errors_total";
    public const string HttpDuration = "lepton_http_request_duration_seconds";
    public const string InferenceRequests = "lepton_inference_requests_total";
    public const string AlertFiring = "lepton_alert_firing";
    public const string DriftPsi = "lepton_drift_psi";
    public const string PredictionDriftPsi = "lepton_prediction_drift_psi";
    public const string FeatureDriftPsi = "lepton_feature_drift_psi";
    public const string FeatureDriftKs = "lepton_feature_drift_ks";
    public const string LiveAccuracy = "lepton_live_accuracy";
    public const string LiveLabels = "lepton_live_labels";
    public const string LiveF1 = "lepton_live_f1";
    public const string LiveMae = "lepton_live_mae";
    public const string LiveRmse = "lepton_live_rmse";
    public const string LiveCalibrationGap = "lepton_live_calibration_gap";
    public const string LiveBrier = "lepton_live_brier";
    public const string LiveLogLoss = "lepton_live_log_loss";
    public const string LiveIntervalCoverage = "lepton_live_interval_coverage";
    public const string LiveWeightedLabels = "lepton_live_weighted_labels";
    public const string LiveWeightedAccuracy = "lepton_live_weighted_accuracy";
    public const string LiveWeightedError = "lepton_live_weighted_error";

    /// <summary>The route templates of prediction requests (OIP v2 infer with and without a version, and predict), as the route label holds them.</summary>
    public const string PredictionRoutes = ".*/(infer|predict)";
}
