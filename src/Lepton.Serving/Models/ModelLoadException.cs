namespace Lepton.Serving.Models;

/// <summary>A model version could not be resolved, loaded or warmed up; whatever served before keeps serving.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
