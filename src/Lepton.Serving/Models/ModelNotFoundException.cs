namespace Lepton.Serving.Models;

/// <summary>No served model has this name, or the model does not serve this version (HTTP 404).</summary>
public sealed class ModelNotFoundException(string message) : Exception(message);
