namespace Lepton.Registry.References;

/// <summary>A model name, alias or model reference that breaks the naming rules; raised before any file is touched.</summary>
public sealed class ModelNameException(string message) : ArgumentException(message);
