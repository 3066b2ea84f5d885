namespace Lepton.Serving.Models;

/// <summary>The model is known but cannot take requests yet (loading, failed, or draining) (HTTP 503).</summary>
public sealed class ModelNotReadyException(string message) : Exception(message);
